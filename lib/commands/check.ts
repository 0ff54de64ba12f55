/**
 * `lora-bot check`: what an operator runs after editing the env file. It
 * reads the configuration, then checks the data directory, PostgreSQL
 * (with DATABASE_URL: reachable, version 14 or later), Telegram
 * (`getMe`) and every render server (`/system_stats`; for Connect servers
 * also that the workflow exposes the inputs the bot fills), printing one
 * line per finding. Exit code: 2 the configuration is invalid (printed by
 * the caller), 1 something is unreachable or wrong, 0 all good.
 *
 * @module
 */

import type { Config, InputRef } from "../config/mod.ts";
import {
  ComfyHttp,
  fetchWorkflowInputs,
  IMAGE_INPUT,
  refName,
  takesInput,
  type WorkflowInputs,
} from "../comfy/mod.ts";
import type { ServerSpec } from "../comfy/mod.ts";
import { ffmpegAvailable } from "../media/mod.ts";
import { loadTemplate } from "../comfy/mod.ts";
import postgres from "postgres";
import { PG_OPTIONS } from "../db/pg/schema.ts";
import { requireServerVersion } from "../db/pg/version.ts";
import { describeError } from "../log.ts";
import { redact, secretsOf } from "../secrets.ts";

/** The settings `check` looks at. */
export type CheckConfig = Pick<
  Config,
  | "botToken"
  | "telegramApiRoot"
  | "dataDir"
  | "databaseUrl"
  | "comfyuiServers"
  | "comfyuiWorkflow"
  | "comfyuiTemplate"
  | "comfyuiDurationInput"
  | "comfyuiSizeInput"
  | "comfyuiPromptInput"
  | "comfyuiNegativeInput"
>;

/** One result line: `ok`, `warn` (works, but look) or `FAIL`. */
export interface Finding {
  readonly level: "ok" | "warn" | "fail";
  readonly subject: string;
  readonly text: string;
}

/** Outside things `check` uses; tests replace them. */
export interface CheckDeps {
  readonly print: (line: string) => void;
  readonly fetch?: typeof fetch;
  /** Per request (default 10 s). */
  readonly timeoutMs?: number;
}

const LABEL = { ok: "ok  ", warn: "warn", fail: "FAIL" } as const;

/** Runs every check, prints the findings and returns the exit code. */
export async function runCheck(
  config: CheckConfig,
  deps: CheckDeps,
): Promise<number> {
  const findings: Finding[] = [
    { level: "ok", subject: "config", text: "the environment is valid" },
    await checkDataDir(config.dataDir),
    ...(config.databaseUrl === undefined
      ? []
      : [await checkDatabase(config.databaseUrl, deps)]),
    await checkTelegram(config, deps),
  ];
  for (const spec of config.comfyuiServers) {
    findings.push(...await checkServer(spec, config, deps));
  }
  // Every secret the configuration holds, wherever an error quoted it.
  const secrets = secretsOf(config);
  for (const f of findings) {
    deps.print(redact(`${LABEL[f.level]} ${f.subject}: ${f.text}`, secrets));
  }
  return findings.some((f) => f.level === "fail") ? 1 : 0;
}

async function checkDataDir(dir: string): Promise<Finding> {
  const subject = `DATA_DIR ${dir}`;
  const probe = `${dir}/.lora-bot-check-${Deno.pid}`;
  try {
    await Deno.mkdir(dir, { recursive: true });
    await Deno.writeTextFile(probe, "");
    await Deno.remove(probe);
    return { level: "ok", subject, text: "writable" };
  } catch (error) {
    return { level: "fail", subject, text: describeError(error) };
  }
}

// Connects and asks the version; the subject names the server and the
// database, never the user or password.
async function checkDatabase(url: string, deps: CheckDeps): Promise<Finding> {
  const parsed = new URL(url);
  const subject = `DATABASE_URL ${parsed.hostname}:${
    parsed.port || "5432"
  }${parsed.pathname}`;
  const sql = postgres(url, {
    ...PG_OPTIONS,
    max: 1,
    connect_timeout: Math.ceil((deps.timeoutMs ?? 10_000) / 1000),
  });
  try {
    const version = await requireServerVersion(sql);
    return { level: "ok", subject, text: `PostgreSQL ${version}` };
  } catch (error) {
    return { level: "fail", subject, text: describeError(error) };
  } finally {
    await sql.end({ timeout: 5 });
  }
}

async function checkTelegram(
  config: CheckConfig,
  deps: CheckDeps,
): Promise<Finding> {
  const subject = "telegram";
  const url = `${config.telegramApiRoot}/bot${config.botToken}/getMe`;
  try {
    const response = await (deps.fetch ?? fetch)(url, {
      signal: AbortSignal.timeout(deps.timeoutMs ?? 10_000),
    });
    const body = await response.json() as {
      ok?: boolean;
      result?: { username?: string; id?: number };
      description?: string;
    };
    if (body.ok !== true) {
      const why = body.description ?? `HTTP ${response.status}`;
      return { level: "fail", subject, text: `getMe: ${why}` };
    }
    const { username, id } = body.result ?? {};
    return { level: "ok", subject, text: `@${username} (id ${id})` };
  } catch (error) {
    return { level: "fail", subject, text: `getMe: ${describeError(error)}` };
  }
}

async function checkServer(
  spec: ServerSpec,
  config: CheckConfig,
  deps: CheckDeps,
): Promise<Finding[]> {
  const subject = `comfyui ${spec.name} (${spec.kind})`;
  if (spec.kind === "preview") {
    return [
      await ffmpegAvailable()
        ? { level: "warn", subject, text: "ffmpeg zoom, not AI" }
        : { level: "fail", subject, text: "ffmpeg is not on PATH" },
    ];
  }
  const signal = () => AbortSignal.timeout(deps.timeoutMs ?? 10_000);
  try {
    const url = new URL(`${spec.url}/system_stats`);
    if (spec.token !== undefined) url.searchParams.set("token", spec.token);
    const response = await (deps.fetch ?? fetch)(url, {
      headers: spec.headers,
      signal: signal(),
    });
    await response.body?.cancel();
    if (!response.ok) {
      const text = `GET /system_stats answered HTTP ${response.status}`;
      return [{ level: "fail", subject, text }];
    }
  } catch (error) {
    return [{ level: "fail", subject, text: describeError(error) }];
  }
  if (spec.kind === "core") return [await checkTemplate(subject, config)];
  try {
    const inputs = await fetchWorkflowInputs({
      http: new ComfyHttp({
        baseUrl: spec.url,
        headers: spec.headers,
        token: spec.token,
        fetch: deps.fetch,
      }),
      workflow: config.comfyuiWorkflow,
      signal: signal(),
    });
    return inputFindings(subject, config, inputs);
  } catch (error) {
    return [{ level: "fail", subject, text: describeError(error) }];
  }
}

async function checkTemplate(
  subject: string,
  config: CheckConfig,
): Promise<Finding> {
  try {
    await loadTemplate(config.comfyuiTemplate, Deno.readTextFile);
    const text = `reachable; template ${config.comfyuiTemplate} loads`;
    return { level: "ok", subject, text };
  } catch (error) {
    return { level: "fail", subject, text: describeError(error) };
  }
}

// What the bot does with the workflow, said ahead: without "$image" every
// job fails (the plugin would render the workflow's own picture); an input
// it lacks is not sent, so videos render without that setting.
function inputFindings(
  subject: string,
  config: CheckConfig,
  inputs: WorkflowInputs | undefined,
): Finding[] {
  const workflow = `workflow ${config.comfyuiWorkflow}`;
  if (inputs === undefined) {
    const text = `reachable; the plugin cannot list ${workflow}'s inputs ` +
      "(an older version): every configured input is sent";
    return [{ level: "warn", subject, text }];
  }
  if (!takesInput(inputs, IMAGE_INPUT)) {
    const text = `${workflow} has no "Load Image $image" node: jobs fail`;
    return [{ level: "fail", subject, text }];
  }
  const configured = [
    config.comfyuiDurationInput,
    config.comfyuiSizeInput,
    config.comfyuiPromptInput,
    config.comfyuiNegativeInput,
  ].filter((r): r is InputRef => r !== undefined);
  const taken = [
    IMAGE_INPUT,
    ...configured.filter((r) => takesInput(inputs, r)),
  ];
  const findings: Finding[] = [{
    level: "ok",
    subject,
    text: `reachable; ${workflow} takes ${taken.map(refName).join(", ")}`,
  }];
  const absent = configured.filter((r) => !takesInput(inputs, r));
  if (absent.length > 0) {
    const text = `${workflow} does not take ${
      absent.map(refName).join(", ")
    }: videos render without them`;
    findings.push({ level: "warn", subject, text });
  }
  return findings;
}

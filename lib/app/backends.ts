/**
 * Builds the render backends from the configuration: one client per
 * configured server (ComfyUI-Connect, plain ComfyUI with a workflow
 * template, or the ffmpeg preview), all behind one {@link RenderPool} that
 * spreads jobs, watches health and fails over.
 *
 * @module
 */

import type { Clock } from "../clock.ts";
import { ConnectClient, type Renderer, type VideoSpool } from "../comfy/mod.ts";
import { CoreClient } from "../comfy/mod.ts";
import { type Assignments, RenderPool } from "../comfy/mod.ts";
import { PreviewRenderer } from "../comfy/mod.ts";
import { ffmpegAvailable } from "../media/mod.ts";
import type { ServerSpec } from "../comfy/mod.ts";
import { loadTemplate } from "../comfy/mod.ts";
import type { Template } from "../comfy/mod.ts";
import type { Config } from "../config/mod.ts";
import type { Logger } from "../log.ts";
import { exchangeLoggingFetch } from "../comfy/mod.ts";

/** What {@link createBackends} needs besides the configuration. */
export interface BackendDeps {
  readonly clock: Clock;
  readonly log: Logger;
  readonly assignments: Assignments;
  /** Where every client puts its finished videos. */
  readonly spool: VideoSpool;
  readonly fetch?: typeof fetch;
  readonly readTextFile?: (path: string) => Promise<string>;
  readonly onStateChange?: (server: string, up: boolean) => void;
}

/** The backends of a running bot. */
export interface Backends {
  readonly pool: RenderPool;
  /** True when the only backend is the preview (not AI). */
  readonly preview: boolean;
}

const START_PROBE_MS = 3000;

/** A backend the configuration asks for cannot be used. */
export class BackendError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BackendError";
  }
}

type BackendConfig = Pick<
  Config,
  | "comfyuiServers"
  | "comfyuiWorkflow"
  | "comfyuiDurationInput"
  | "comfyuiSizeInput"
  | "comfyuiPromptInput"
  | "comfyuiNegativeInput"
  | "comfyuiTimeoutMs"
  | "comfyuiRequestTimeoutMs"
  | "historyIntervalMs"
  | "historyAttempts"
  | "comfyuiTemplate"
  | "jobFailovers"
  | "healthIntervalMs"
  | "dataDir"
  | "logLevel"
>;

/** Creates a client per server and the pool over them. */
export async function createBackends(
  config: BackendConfig,
  given: BackendDeps,
): Promise<Backends> {
  const deps = withExchangeLog(config, given);
  let template: Template | undefined;
  const servers = [];
  for (const spec of config.comfyuiServers) {
    if (spec.kind === "core") {
      template ??= await loadTemplate(
        config.comfyuiTemplate,
        deps.readTextFile ?? Deno.readTextFile,
      );
    }
    servers.push({
      spec,
      renderer: await clientFor(spec, config, deps, template),
    });
  }
  const pool = new RenderPool({
    servers,
    clock: deps.clock,
    log: deps.log,
    assignments: deps.assignments,
    failovers: config.jobFailovers,
    healthIntervalMs: config.healthIntervalMs,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    ...(deps.onStateChange ? { onStateChange: deps.onStateChange } : {}),
  });
  // What each workflow takes, before the first job: one WARN line names
  // the inputs it lacks. Bounded, so a stalled server does not hold the
  // start; a job asks again while the answer is unknown.
  await pool.probeAll(AbortSignal.timeout(START_PROBE_MS));
  const preview = servers.every((s) => s.spec.kind === "preview");
  if (preview) {
    deps.log.warn(
      "the preview backend is on: videos are a zoom of the photo, not AI",
    );
  }
  return { pool, preview };
}

// DEBUG: the shape of every client's and health check's exchange.
function withExchangeLog(config: BackendConfig, deps: BackendDeps) {
  if (config.logLevel !== "debug") return deps;
  const inner = deps.fetch ?? globalThis.fetch;
  const now = () => deps.clock.now();
  return { ...deps, fetch: exchangeLoggingFetch(inner, deps.log, now) };
}

async function clientFor(
  spec: ServerSpec,
  config: BackendConfig,
  deps: BackendDeps,
  template: Template | undefined,
): Promise<Renderer> {
  const fetchOption = deps.fetch ? { fetch: deps.fetch } : {};
  switch (spec.kind) {
    case "connect":
      return new ConnectClient({
        baseUrl: spec.url,
        workflow: config.comfyuiWorkflow,
        timeoutMs: config.comfyuiTimeoutMs,
        requestTimeoutMs: config.comfyuiRequestTimeoutMs,
        historyIntervalMs: config.historyIntervalMs,
        historyAttempts: config.historyAttempts,
        durationInput: config.comfyuiDurationInput,
        sizeInput: config.comfyuiSizeInput,
        promptInput: config.comfyuiPromptInput,
        negativeInput: config.comfyuiNegativeInput,
        clock: deps.clock,
        spool: deps.spool,
        headers: spec.headers,
        token: spec.token,
        ...fetchOption,
      });
    case "core":
      return new CoreClient({
        baseUrl: spec.url,
        template: template as Template,
        clock: deps.clock,
        spool: deps.spool,
        timeoutMs: config.comfyuiTimeoutMs,
        pollIntervalMs: config.historyIntervalMs,
        headers: spec.headers,
        token: spec.token,
        ...fetchOption,
      });
    case "preview":
      if (!(await ffmpegAvailable())) {
        throw new BackendError(
          "the preview backend needs ffmpeg on PATH (apt-get install ffmpeg)",
        );
      }
      return new PreviewRenderer({
        tempDir: `${config.dataDir}/tmp`,
        spool: deps.spool,
      });
  }
}

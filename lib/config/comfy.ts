/**
 * Settings of the render side: the ComfyUI server(s), the workflow and its
 * inputs, and how results are polled. Parsed like the rest of
 * {@link loadConfig}: a bad value names its variable.
 *
 * @module
 */

import {
  parseServer,
  parseServers,
  type ServerSpec,
  ServerSpecError,
} from "../comfy/mod.ts";
import {
  ConfigError,
  type Env,
  httpUrl,
  int,
  nonEmpty,
  seconds,
  withDefaults,
} from "./parse.ts";
import type { InputRef } from "../comfy/mod.ts";

/** What the ComfyUI side reads from the environment. */
export interface ComfyConfig {
  readonly comfyuiUrl: string;
  readonly comfyuiWorkflow: string;
  readonly comfyuiDurationInput: InputRef | undefined;
  readonly comfyuiSizeInput: InputRef | undefined;
  /** Receives a user's motion prompt (`COMFYUI_PROMPT_INPUT`). */
  readonly comfyuiPromptInput: InputRef | undefined;
  /** Receives the negative text with a motion prompt. */
  readonly comfyuiNegativeInput: InputRef | undefined;
  readonly comfyuiTimeoutMs: number;
  /** Each `/history`, `/queue`, `/view` and workflow listing call. */
  readonly comfyuiRequestTimeoutMs: number;
  readonly historyIntervalMs: number;
  readonly historyAttempts: number;
  readonly comfyuiConcurrency: number;
  /**
   * The render servers: COMFYUI_URLS, or else the one COMFYUI_URL (a
   * ComfyUI-Connect server running COMFYUI_CONCURRENCY jobs at once).
   */
  readonly comfyuiServers: readonly ServerSpec[];
  /** Workflow template of `core` servers: a built-in name or a .json path. */
  readonly comfyuiTemplate: string;
  /** How often a job whose server died is moved to another server. */
  readonly jobFailovers: number;
  /** How often every render server's health is checked. */
  readonly healthIntervalMs: number;
}

/** Defaults, written as an operator would write them in the env file. */
export const COMFY_DEFAULTS = {
  COMFYUI_URL: "http://127.0.0.1:8188",
  COMFYUI_WORKFLOW: "api-video",
  COMFYUI_DURATION_INPUT: "duration.value",
  COMFYUI_SIZE_INPUT: "size.value",
  COMFYUI_PROMPT_INPUT: "prompt.text",
  COMFYUI_NEGATIVE_INPUT: "negative.text",
  COMFYUI_TIMEOUT: "600",
  COMFYUI_REQUEST_TIMEOUT: "30",
  COMFYUI_HISTORY_INTERVAL: "3",
  COMFYUI_HISTORY_ATTEMPTS: "20",
  COMFYUI_CONCURRENCY: "1",
  COMFYUI_TEMPLATE: "wan22-ti2v-5b",
  JOB_FAILOVERS: "1",
  COMFYUI_HEALTH_INTERVAL: "15",
} as const;

type Get = (name: keyof typeof COMFY_DEFAULTS) => string;

const WORKFLOW_SHAPE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const INPUT_SHAPE = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/;

/**
 * Reads the ComfyUI settings, in the order the fields are listed (with
 * several bad values, the first one is reported).
 *
 * @throws {ConfigError} naming the first variable with a bad value.
 */
export function loadComfyConfig(env: Env): ComfyConfig {
  const get: Get = withDefaults(env, COMFY_DEFAULTS);
  return {
    comfyuiUrl: httpUrl("COMFYUI_URL", get("COMFYUI_URL")),
    comfyuiWorkflow: workflowName(get("COMFYUI_WORKFLOW")),
    comfyuiDurationInput: inputRef("COMFYUI_DURATION_INPUT", get),
    comfyuiSizeInput: inputRef("COMFYUI_SIZE_INPUT", get),
    comfyuiPromptInput: inputRef("COMFYUI_PROMPT_INPUT", get),
    comfyuiNegativeInput: inputRef("COMFYUI_NEGATIVE_INPUT", get),
    comfyuiTimeoutMs: seconds("COMFYUI_TIMEOUT", get("COMFYUI_TIMEOUT")),
    comfyuiRequestTimeoutMs: seconds(
      "COMFYUI_REQUEST_TIMEOUT",
      get("COMFYUI_REQUEST_TIMEOUT"),
    ),
    historyIntervalMs: seconds(
      "COMFYUI_HISTORY_INTERVAL",
      get("COMFYUI_HISTORY_INTERVAL"),
    ),
    historyAttempts: int(
      "COMFYUI_HISTORY_ATTEMPTS",
      get("COMFYUI_HISTORY_ATTEMPTS"),
      0,
      10_000,
    ),
    comfyuiConcurrency: int(
      "COMFYUI_CONCURRENCY",
      get("COMFYUI_CONCURRENCY"),
      1,
      64,
    ),
    ...parseBackends(env, get),
  };
}

function parseBackends(
  env: Env,
  get: Get,
): Pick<
  ComfyConfig,
  "comfyuiServers" | "comfyuiTemplate" | "jobFailovers" | "healthIntervalMs"
> {
  const list = nonEmpty(env.COMFYUI_URLS);
  const concurrency = int(
    "COMFYUI_CONCURRENCY",
    get("COMFYUI_CONCURRENCY"),
    1,
    64,
  );
  let comfyuiServers: ServerSpec[];
  try {
    comfyuiServers = list !== undefined ? parseServers(list) : [
      parseServer(
        `${
          httpUrl("COMFYUI_URL", get("COMFYUI_URL"))
        };concurrency=${concurrency}`,
      ),
    ];
  } catch (error) {
    if (!(error instanceof ServerSpecError)) throw error;
    throw new ConfigError("COMFYUI_URLS", error.message);
  }
  return {
    comfyuiServers,
    comfyuiTemplate: get("COMFYUI_TEMPLATE"),
    jobFailovers: int("JOB_FAILOVERS", get("JOB_FAILOVERS"), 0, 10),
    healthIntervalMs: seconds(
      "COMFYUI_HEALTH_INTERVAL",
      get("COMFYUI_HEALTH_INTERVAL"),
    ),
  };
}

function workflowName(raw: string): string {
  if (!WORKFLOW_SHAPE.test(raw)) {
    throw new ConfigError(
      "COMFYUI_WORKFLOW",
      `"${raw}" is not a workflow name (letters, digits, "_", "-", ".")`,
    );
  }
  return raw;
}

// Where a value goes if the workflow has that input: the bot asks the
// plugin which inputs the workflow lists and sends only those. "off" (or
// "none") never sends it, e.g. for a plugin too old to list its inputs.
function inputRef(
  name:
    | "COMFYUI_DURATION_INPUT"
    | "COMFYUI_SIZE_INPUT"
    | "COMFYUI_PROMPT_INPUT"
    | "COMFYUI_NEGATIVE_INPUT",
  get: Get,
): InputRef | undefined {
  const raw = get(name);
  if (raw === "off" || raw === "none") return undefined;
  const match = INPUT_SHAPE.exec(raw);
  if (match?.[1] === undefined || match[2] === undefined) {
    throw new ConfigError(
      name,
      `"${raw}" must look like tag.input (e.g. duration.value) or be "off"`,
    );
  }
  return { tag: match[1], input: match[2] };
}

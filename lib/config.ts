/**
 * Configuration: every setting the bot reads from the environment, parsed
 * and validated in one pure function so that a bad value stops the program
 * at start with one line that names the variable.
 *
 * @module
 */

import {
  parseServer,
  parseServers,
  type ServerSpec,
  ServerSpecError,
} from "./comfy/servers.ts";
import { type FeatureConfig, loadFeatureConfig } from "./config_features.ts";
import { loadMoneyConfig, type MoneyConfig } from "./config_money.ts";

/** Log verbosity, lowest first. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** How log lines are written: `key=value` text or JSON objects. */
export type LogFormat = "text" | "json";

/** A ComfyUI-Connect workflow input addressed as `tag.input`. */
export interface InputRef {
  readonly tag: string;
  readonly input: string;
}

/** The validated configuration. Durations are in milliseconds. */
export interface Config extends FeatureConfig, MoneyConfig {
  /** Undefined only for subcommands that do not talk to Telegram. */
  readonly botToken: string | undefined;
  readonly adminUserIds: readonly number[];
  /** How users reach the admin (e.g. `@support`), shown in help texts. */
  readonly adminContact: string | undefined;
  readonly tokensPerVideo: number;
  readonly defaultTokens: number;
  readonly comfyuiUrl: string;
  readonly comfyuiWorkflow: string;
  readonly comfyuiDurationInput: InputRef | undefined;
  readonly comfyuiSizeInput: InputRef | undefined;
  /** Receives a user's motion prompt (`COMFYUI_PROMPT_INPUT`). */
  readonly comfyuiPromptInput: InputRef | undefined;
  /** Receives the negative text with a motion prompt. */
  readonly comfyuiNegativeInput: InputRef | undefined;
  readonly comfyuiTimeoutMs: number;
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
  /** Unfinished jobs one user may have at once. */
  readonly maxActiveJobsPerUser: number;
  /** How often a job ComfyUI lost (a restart) is submitted again. */
  readonly jobResubmits: number;
  readonly progressIntervalMs: number;
  /** How long SIGTERM waits for deliveries in progress. */
  readonly shutdownGraceMs: number;
  readonly dataDir: string;
  readonly telegramApiRoot: string;
  readonly logLevel: LogLevel;
  readonly logFile: string | undefined;
  readonly logFormat: LogFormat;
  /** Messages per second to all chats together (Telegram allows ~30). */
  readonly telegramRate: number;
  /** Time between two messages to one chat (Telegram allows ~1 per second). */
  readonly telegramChatIntervalMs: number;
  /** Messages per minute to one group (Telegram allows 20). */
  readonly telegramGroupRate: number;
  /** Public https URL Telegram posts updates to; undefined: long polling. */
  readonly webhookUrl: string | undefined;
  /** Secret Telegram sends in `X-Telegram-Bot-Api-Secret-Token`. */
  readonly webhookSecret: string | undefined;
  /** Interface of the HTTP server (health, metrics, webhook). */
  readonly httpHost: string;
  /** Port of the HTTP server; undefined: no server (unless webhook mode). */
  readonly httpPort: number | undefined;
  /**
   * Public URL of the admin dashboard (behind a TLS proxy); undefined:
   * `http://HTTP_HOST:HTTP_PORT`.
   */
  readonly dashboardUrl: string | undefined;
}

/** Thrown when an environment variable holds a value the bot cannot use. */
export class ConfigError extends Error {
  /** The offending variable, e.g. `TOKENS_PER_VIDEO`. */
  readonly variable: string;

  constructor(variable: string, problem: string) {
    super(`${variable}: ${problem}`);
    this.name = "ConfigError";
    this.variable = variable;
  }
}

/** The environment as a plain record (main passes `Deno.env.toObject()`). */
export type Env = Readonly<Record<string, string | undefined>>;

/** Defaults, written as an operator would write them in the env file. */
export const DEFAULTS = {
  TOKENS_PER_VIDEO: "10",
  DEFAULT_TOKENS: "100",
  COMFYUI_URL: "http://127.0.0.1:8188",
  COMFYUI_WORKFLOW: "api-video",
  COMFYUI_DURATION_INPUT: "duration.value",
  COMFYUI_SIZE_INPUT: "size.value",
  COMFYUI_PROMPT_INPUT: "prompt.text",
  COMFYUI_NEGATIVE_INPUT: "negative.text",
  COMFYUI_TIMEOUT: "600",
  COMFYUI_HISTORY_INTERVAL: "3",
  COMFYUI_HISTORY_ATTEMPTS: "20",
  COMFYUI_CONCURRENCY: "1",
  COMFYUI_TEMPLATE: "wan22-ti2v-5b",
  JOB_FAILOVERS: "1",
  COMFYUI_HEALTH_INTERVAL: "15",
  MAX_ACTIVE_JOBS_PER_USER: "2",
  JOB_RESUBMITS: "1",
  PROGRESS_INTERVAL: "2",
  SHUTDOWN_GRACE: "30",
  DATA_DIR: "./data",
  TELEGRAM_API_ROOT: "https://api.telegram.org",
  LOG_LEVEL: "info",
  LOG_FORMAT: "text",
  TELEGRAM_RATE: "30",
  TELEGRAM_CHAT_INTERVAL: "1",
  TELEGRAM_GROUP_RATE: "20",
  HTTP_HOST: "127.0.0.1",
} as const;

/** The port the HTTP server takes in webhook mode when HTTP_PORT is unset. */
export const DEFAULT_WEBHOOK_PORT = 8080;

const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];
const TOKEN_SHAPE = /^\d{1,20}:[A-Za-z0-9_-]{10,}$/;
const WORKFLOW_SHAPE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const INPUT_SHAPE = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/;
// What Telegram accepts as a webhook secret_token.
const SECRET_SHAPE = /^[A-Za-z0-9_-]{1,256}$/;

/**
 * Reads and validates the configuration.
 *
 * @param requireToken `false` for subcommands that never call Telegram.
 * @throws {ConfigError} naming the first variable with a bad value.
 */
export function loadConfig(env: Env, requireToken = true): Config {
  const get = (name: keyof typeof DEFAULTS): string =>
    nonEmpty(env[name]) ?? DEFAULTS[name];
  return {
    botToken: parseToken(nonEmpty(env.BOT_TOKEN), requireToken),
    adminUserIds: parseAdmins(env),
    adminContact: nonEmpty(env.ADMIN_CONTACT),
    tokensPerVideo: int("TOKENS_PER_VIDEO", get("TOKENS_PER_VIDEO"), 1, 1e6),
    defaultTokens: int("DEFAULT_TOKENS", get("DEFAULT_TOKENS"), 0, 1e9),
    comfyuiUrl: httpUrl("COMFYUI_URL", get("COMFYUI_URL")),
    comfyuiWorkflow: workflowName(get("COMFYUI_WORKFLOW")),
    comfyuiDurationInput: inputRef("COMFYUI_DURATION_INPUT", env),
    comfyuiSizeInput: inputRef("COMFYUI_SIZE_INPUT", env),
    comfyuiPromptInput: inputRef("COMFYUI_PROMPT_INPUT", env),
    comfyuiNegativeInput: inputRef("COMFYUI_NEGATIVE_INPUT", env),
    comfyuiTimeoutMs: seconds("COMFYUI_TIMEOUT", get("COMFYUI_TIMEOUT")),
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
    maxActiveJobsPerUser: int(
      "MAX_ACTIVE_JOBS_PER_USER",
      get("MAX_ACTIVE_JOBS_PER_USER"),
      1,
      100,
    ),
    jobResubmits: int("JOB_RESUBMITS", get("JOB_RESUBMITS"), 0, 10),
    progressIntervalMs: seconds("PROGRESS_INTERVAL", get("PROGRESS_INTERVAL")),
    shutdownGraceMs: seconds("SHUTDOWN_GRACE", get("SHUTDOWN_GRACE")),
    dataDir: get("DATA_DIR"),
    telegramApiRoot: httpUrl("TELEGRAM_API_ROOT", get("TELEGRAM_API_ROOT")),
    logLevel: parseLogLevel(env),
    logFile: nonEmpty(env.LOG_FILE),
    logFormat: parseLogFormat(get("LOG_FORMAT")),
    telegramRate: int("TELEGRAM_RATE", get("TELEGRAM_RATE"), 1, 100_000),
    telegramChatIntervalMs: seconds(
      "TELEGRAM_CHAT_INTERVAL",
      get("TELEGRAM_CHAT_INTERVAL"),
    ),
    telegramGroupRate: int(
      "TELEGRAM_GROUP_RATE",
      get("TELEGRAM_GROUP_RATE"),
      1,
      100_000,
    ),
    ...parseWebhook(env),
    httpHost: get("HTTP_HOST"),
    httpPort: parsePort(env),
    ...loadFeatureConfig(env),
    ...loadMoneyConfig(env),
    dashboardUrl: optionalUrl("DASHBOARD_URL", env),
  };
}

function parseBackends(
  env: Env,
  get: (name: keyof typeof DEFAULTS) => string,
): Pick<
  Config,
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

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === "" ? undefined : trimmed;
}

// The value is never echoed: a token pasted with a typo is still a secret.
function parseToken(
  value: string | undefined,
  required: boolean,
): string | undefined {
  if (value === undefined) {
    if (required) {
      throw new ConfigError(
        "BOT_TOKEN",
        "is required (get one from @BotFather and put it in the env file)",
      );
    }
    return undefined;
  }
  if (!TOKEN_SHAPE.test(value)) {
    throw new ConfigError(
      "BOT_TOKEN",
      "does not look like a bot token (expected <digits>:<secret> as @BotFather gives it)",
    );
  }
  return value;
}

function parseAdmins(env: Env): number[] {
  const name = nonEmpty(env.ADMIN_USER_IDS) !== undefined
    ? "ADMIN_USER_IDS"
    : "ADMIN_USER_ID";
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return [];
  const ids = raw.split(",").map((part) => part.trim()).filter((p) => p);
  // The old bot's ADMIN_USER_ID defaulted to 0, meaning "no admin".
  return [...new Set(ids.map((id) => int(name, id, 0, 2 ** 52)))]
    .filter((id) => id > 0);
}

function int(name: string, raw: string, min: number, max: number): number {
  if (!/^-?\d+$/.test(raw)) {
    throw new ConfigError(name, `"${raw}" is not a whole number`);
  }
  const value = Number(raw);
  if (value < min || value > max) {
    throw new ConfigError(name, `${value} is outside ${min}..${max}`);
  }
  return value;
}

function seconds(name: string, raw: string): number {
  const value = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || !(value > 0) || value > 86_400) {
    throw new ConfigError(
      name,
      `"${raw}" is not a number of seconds between 0 and 86400`,
    );
  }
  return Math.round(value * 1000);
}

function httpUrl(name: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, `"${raw}" is not a URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError(name, `"${raw}" must start with http:// or https://`);
  }
  if (url.search !== "" || url.hash !== "") {
    throw new ConfigError(name, `"${raw}" must not have a query or fragment`);
  }
  return url.href.replace(/\/+$/, "");
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

// Set to "off" (or "none") to send no such input: a workflow without the
// tag would make ComfyUI-Connect refuse the whole request.
function inputRef(
  name:
    | "COMFYUI_DURATION_INPUT"
    | "COMFYUI_SIZE_INPUT"
    | "COMFYUI_PROMPT_INPUT"
    | "COMFYUI_NEGATIVE_INPUT",
  env: Env,
): InputRef | undefined {
  const raw = nonEmpty(env[name]) ?? DEFAULTS[name];
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

function parseLogLevel(env: Env): LogLevel {
  if (/^(1|true|yes)$/i.test(env.DEBUG?.trim() ?? "")) return "debug";
  const raw = (nonEmpty(env.LOG_LEVEL) ?? DEFAULTS.LOG_LEVEL).toLowerCase();
  const level = LOG_LEVELS.find((l) => l === raw);
  if (level === undefined) {
    throw new ConfigError(
      "LOG_LEVEL",
      `"${raw}" is not one of ${LOG_LEVELS.join(", ")}`,
    );
  }
  return level;
}

function parseLogFormat(raw: string): LogFormat {
  const format = raw.toLowerCase();
  if (format !== "text" && format !== "json") {
    throw new ConfigError("LOG_FORMAT", `"${raw}" is not one of text, json`);
  }
  return format;
}

// Telegram only calls https URLs; the secret is what tells its requests
// from anyone else's, so webhook mode without one is refused.
function parseWebhook(
  env: Env,
): Pick<Config, "webhookUrl" | "webhookSecret"> {
  const url = nonEmpty(env.WEBHOOK_URL);
  const secret = nonEmpty(env.WEBHOOK_SECRET);
  if (secret !== undefined && !SECRET_SHAPE.test(secret)) {
    // The value is a secret: not echoed.
    throw new ConfigError(
      "WEBHOOK_SECRET",
      'must be 1-256 characters of A-Z, a-z, 0-9, "_" and "-"',
    );
  }
  if (url === undefined) {
    return { webhookUrl: undefined, webhookSecret: secret };
  }
  const href = httpUrl("WEBHOOK_URL", url);
  if (!href.startsWith("https://")) {
    throw new ConfigError("WEBHOOK_URL", `"${url}" must start with https://`);
  }
  if (secret === undefined) {
    throw new ConfigError(
      "WEBHOOK_SECRET",
      "is required when WEBHOOK_URL is set (e.g. openssl rand -hex 32)",
    );
  }
  return { webhookUrl: href, webhookSecret: secret };
}

function optionalUrl(name: string, env: Env): string | undefined {
  const raw = nonEmpty(env[name]);
  return raw === undefined ? undefined : httpUrl(name, raw);
}

function parsePort(env: Env): number | undefined {
  const raw = nonEmpty(env.HTTP_PORT);
  // 0 asks the system for a free port (tests).
  return raw === undefined ? undefined : int("HTTP_PORT", raw, 0, 65_535);
}

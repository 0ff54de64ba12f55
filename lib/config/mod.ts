/**
 * Configuration: every setting the bot reads from the environment, parsed
 * and validated in one pure function so that a bad value stops the program
 * at start with one line that names the variable.
 *
 * The readers live beside this file, one per concern: parse.ts (the
 * shared primitives and {@link ConfigError}), comfy.ts,
 * telegram.ts, features.ts and money.ts. The rest of
 * the code imports the configuration from here.
 *
 * @module
 */

import type { LogFormat, LogLevel } from "../log.ts";
import { COMFY_DEFAULTS, type ComfyConfig, loadComfyConfig } from "./comfy.ts";
import {
  FEATURE_DEFAULTS,
  type FeatureConfig,
  loadFeatureConfig,
} from "./features.ts";
import { loadMoneyConfig, MONEY_DEFAULTS, type MoneyConfig } from "./money.ts";
import {
  ConfigError,
  type Env,
  int,
  nonEmpty,
  optionalUrl,
  seconds,
  withDefaults,
} from "./parse.ts";
import {
  loadTelegramConfig,
  parseApiRoot,
  parseToken,
  TELEGRAM_DEFAULTS,
  type TelegramConfig,
} from "./telegram.ts";

export { ConfigError, type Env } from "./parse.ts";
export type { InputRef } from "../comfy/mod.ts";
export { DEFAULT_WEBHOOK_PORT } from "./telegram.ts";

export type { LogFormat, LogLevel } from "../log.ts";

/** The validated configuration. Durations are in milliseconds. */
export interface Config
  extends ComfyConfig, TelegramConfig, FeatureConfig, MoneyConfig {
  /** Undefined only for subcommands that do not talk to Telegram. */
  readonly botToken: string | undefined;
  readonly adminUserIds: readonly number[];
  /** How users reach the admin (e.g. `@support`), shown in help texts. */
  readonly adminContact: string | undefined;
  readonly tokensPerVideo: number;
  readonly defaultTokens: number;
  /** Unfinished jobs one user may have at once. */
  readonly maxActiveJobsPerUser: number;
  /** Photo downloads (up to 20 MB each) in flight, all users together. */
  readonly maxPhotoDownloads: number;
  /** How often a job ComfyUI lost (a restart) is submitted again. */
  readonly jobResubmits: number;
  readonly progressIntervalMs: number;
  /** How long SIGTERM waits for deliveries in progress. */
  readonly shutdownGraceMs: number;
  readonly dataDir: string;
  /**
   * DATABASE_URL: `postgres://…` puts every store on PostgreSQL; undefined
   * (the default): the SQLite file in DATA_DIR.
   */
  readonly databaseUrl: string | undefined;
  readonly telegramApiRoot: string;
  readonly logLevel: LogLevel;
  readonly logFile: string | undefined;
  readonly logFormat: LogFormat;
  /**
   * Public URL of the admin dashboard (behind a TLS proxy); undefined:
   * `http://HTTP_HOST:HTTP_PORT`.
   */
  readonly dashboardUrl: string | undefined;
}

// The defaults of the variables read in this file.
const CORE_DEFAULTS = {
  TOKENS_PER_VIDEO: "10",
  DEFAULT_TOKENS: "100",
  MAX_ACTIVE_JOBS_PER_USER: "2",
  MAX_PHOTO_DOWNLOADS: "3",
  JOB_RESUBMITS: "1",
  PROGRESS_INTERVAL: "2",
  SHUTDOWN_GRACE: "30",
  DATA_DIR: "./data",
  LOG_LEVEL: "info",
  LOG_FORMAT: "text",
} as const;

/**
 * Defaults, written as an operator would write them in the env file: every
 * variable that has one (docs/configuration.md and .env.example are checked
 * against this by tests/unit/docs_config_test.ts).
 */
export const DEFAULTS = {
  ...CORE_DEFAULTS,
  ...COMFY_DEFAULTS,
  ...TELEGRAM_DEFAULTS,
  ...FEATURE_DEFAULTS,
  ...MONEY_DEFAULTS,
} as const;

const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];

/**
 * Reads and validates the configuration.
 *
 * @param requireToken `false` for subcommands that never call Telegram.
 * @throws {ConfigError} naming the first variable with a bad value.
 */
export function loadConfig(env: Env, requireToken = true): Config {
  const get = withDefaults(env, CORE_DEFAULTS);
  // Variables are checked in this order, so with several bad values the
  // same one is reported first whatever file its reader lives in.
  return {
    botToken: parseToken(nonEmpty(env.BOT_TOKEN), requireToken),
    adminUserIds: parseAdmins(env),
    adminContact: nonEmpty(env.ADMIN_CONTACT),
    tokensPerVideo: int("TOKENS_PER_VIDEO", get("TOKENS_PER_VIDEO"), 1, 1e6),
    defaultTokens: int("DEFAULT_TOKENS", get("DEFAULT_TOKENS"), 0, 1e9),
    ...loadComfyConfig(env),
    maxActiveJobsPerUser: int(
      "MAX_ACTIVE_JOBS_PER_USER",
      get("MAX_ACTIVE_JOBS_PER_USER"),
      1,
      100,
    ),
    maxPhotoDownloads: int(
      "MAX_PHOTO_DOWNLOADS",
      get("MAX_PHOTO_DOWNLOADS"),
      1,
      64,
    ),
    jobResubmits: int("JOB_RESUBMITS", get("JOB_RESUBMITS"), 0, 10),
    progressIntervalMs: seconds("PROGRESS_INTERVAL", get("PROGRESS_INTERVAL")),
    shutdownGraceMs: seconds("SHUTDOWN_GRACE", get("SHUTDOWN_GRACE")),
    dataDir: get("DATA_DIR"),
    databaseUrl: parseDatabaseUrl(env),
    telegramApiRoot: parseApiRoot(env),
    logLevel: parseLogLevel(env),
    logFile: nonEmpty(env.LOG_FILE),
    logFormat: parseLogFormat(get("LOG_FORMAT")),
    ...loadTelegramConfig(env),
    ...loadFeatureConfig(env),
    ...loadMoneyConfig(env),
    dashboardUrl: optionalUrl("DASHBOARD_URL", env),
  };
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

// The value is never quoted back: it holds the database password.
function parseDatabaseUrl(env: Env): string | undefined {
  const raw = nonEmpty(env.DATABASE_URL);
  if (raw === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== "postgres:" && url?.protocol !== "postgresql:") {
    throw new ConfigError(
      "DATABASE_URL",
      "is not a postgres://user:password@host:port/database URL",
    );
  }
  return raw;
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

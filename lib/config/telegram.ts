/**
 * Settings of the Telegram side: the bot token and Bot API root, the send
 * limits, webhook mode and the HTTP server that receives it. Parsed like
 * the rest of {@link loadConfig}: a bad value names its variable, and a
 * secret is never echoed.
 *
 * @module
 */

import {
  ConfigError,
  type Env,
  httpUrl,
  int,
  nonEmpty,
  seconds,
  withDefaults,
} from "./parse.ts";

/** Send limits, webhook mode and the HTTP server, read from the env. */
export interface TelegramConfig {
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
  /** Connections the HTTP server keeps open at once. */
  readonly httpMaxConnections: number;
  /** Time a client has to send its request head. */
  readonly httpHeaderTimeoutMs: number;
  /** Silence after which an HTTP connection is closed. */
  readonly httpIdleTimeoutMs: number;
}

/** Defaults, written as an operator would write them in the env file. */
export const TELEGRAM_DEFAULTS = {
  TELEGRAM_API_ROOT: "https://api.telegram.org",
  TELEGRAM_RATE: "30",
  TELEGRAM_CHAT_INTERVAL: "1",
  TELEGRAM_GROUP_RATE: "20",
  HTTP_HOST: "127.0.0.1",
  HTTP_MAX_CONNECTIONS: "64",
  HTTP_HEADER_TIMEOUT: "10",
  HTTP_IDLE_TIMEOUT: "60",
} as const;

/** The port the HTTP server takes in webhook mode when HTTP_PORT is unset. */
export const DEFAULT_WEBHOOK_PORT = 8080;

const TOKEN_SHAPE = /^\d{1,20}:[A-Za-z0-9_-]{10,}$/;
// What Telegram accepts as a webhook secret_token, at least 16 long: the
// secret is all that tells Telegram's POSTs from a guesser's.
const SECRET_SHAPE = /^[A-Za-z0-9_-]{16,256}$/;

/**
 * Reads BOT_TOKEN; `required` is false for subcommands that never call
 * Telegram. The value is never echoed: a token pasted with a typo is still
 * a secret.
 */
export function parseToken(
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

/** Reads TELEGRAM_API_ROOT (a local Bot API server, or the fake in tests). */
export function parseApiRoot(env: Env): string {
  const get = withDefaults(env, TELEGRAM_DEFAULTS);
  return httpUrl("TELEGRAM_API_ROOT", get("TELEGRAM_API_ROOT"));
}

/**
 * Reads the send limits, webhook mode and HTTP server, in the order the
 * fields are listed (with several bad values, the first one is reported).
 *
 * @throws {ConfigError} naming the first variable with a bad value.
 */
export function loadTelegramConfig(env: Env): TelegramConfig {
  const get = withDefaults(env, TELEGRAM_DEFAULTS);
  return {
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
    httpMaxConnections: int(
      "HTTP_MAX_CONNECTIONS",
      get("HTTP_MAX_CONNECTIONS"),
      1,
      100_000,
    ),
    httpHeaderTimeoutMs: seconds(
      "HTTP_HEADER_TIMEOUT",
      get("HTTP_HEADER_TIMEOUT"),
    ),
    httpIdleTimeoutMs: seconds("HTTP_IDLE_TIMEOUT", get("HTTP_IDLE_TIMEOUT")),
  };
}

// Telegram only calls https URLs; the secret is what tells its requests
// from anyone else's, so webhook mode without one is refused.
function parseWebhook(
  env: Env,
): Pick<TelegramConfig, "webhookUrl" | "webhookSecret"> {
  const url = nonEmpty(env.WEBHOOK_URL);
  const secret = nonEmpty(env.WEBHOOK_SECRET);
  if (secret !== undefined && !SECRET_SHAPE.test(secret)) {
    // The value is a secret: not echoed.
    throw new ConfigError(
      "WEBHOOK_SECRET",
      'must be 16-256 characters of A-Z, a-z, 0-9, "_" and "-" (e.g. openssl rand -hex 32)',
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

function parsePort(env: Env): number | undefined {
  const raw = nonEmpty(env.HTTP_PORT);
  // 0 asks the system for a free port (tests).
  return raw === undefined ? undefined : int("HTTP_PORT", raw, 0, 65_535);
}

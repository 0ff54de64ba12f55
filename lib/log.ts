/**
 * A small line logger for journald: one line per event, `key=value` fields,
 * with every configured secret (the bot token) masked wherever it appears,
 * including inside error messages and their causes.
 *
 * @module
 */

import type { LogLevel } from "./config.ts";

/** Structured fields attached to a log line. */
export type LogFields = Record<string, unknown>;

/** The logging interface every component receives. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  with(fields: LogFields): Logger;
}

/** Where finished lines go. */
export type LogSink = (line: string, level: LogLevel) => void;

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  level: LogLevel;
  /** Strings that must never be written (the bot token). */
  secrets?: readonly string[];
  sink?: LogSink;
}

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
const MASK = "<redacted>";

/** Replaces every occurrence of each secret in `text`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.replaceAll(secret, MASK);
  }
  return out;
}

/** Renders an error with its cause chain on one line. */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined; depth++) {
    if (current instanceof Error) {
      parts.push(`${current.name}: ${current.message}`);
      current = current.cause;
    } else {
      parts.push(String(current));
      current = undefined;
    }
  }
  return parts.join(" <- ");
}

function formatValue(value: unknown): string {
  if (value instanceof Error) return JSON.stringify(describeError(value));
  if (typeof value === "string") {
    return /^[\w.:/@+-]+$/.test(value) ? value : JSON.stringify(value);
  }
  if (typeof value === "object" && value !== null) {
    return JSON.stringify(value);
  }
  return String(value);
}

/** Writes lines to standard error, which systemd sends to the journal. */
export const stderrSink: LogSink = (line: string): void => {
  Deno.stderr.writeSync(new TextEncoder().encode(line + "\n"));
};

/** Also appends every line to `path` (the old bot's LOG_FILE habit). */
export function fileSink(path: string, next: LogSink = stderrSink): LogSink {
  const file = Deno.openSync(path, { append: true, create: true });
  const encoder = new TextEncoder();
  return (line, level) => {
    next(line, level);
    file.writeSync(encoder.encode(line + "\n"));
  };
}

/** Creates a logger that writes `LEVEL message key=value ...` lines. */
export function createLogger(options: LoggerOptions): Logger {
  const secrets = options.secrets ?? [];
  const sink = options.sink ?? stderrSink;
  const min = RANK[options.level];
  const make = (base: LogFields): Logger => {
    const emit = (level: LogLevel, message: string, fields?: LogFields) => {
      if (RANK[level] < min) return;
      const all = { ...base, ...fields };
      const tail = Object.entries(all)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => ` ${k}=${formatValue(v)}`)
        .join("");
      sink(redact(`${level.toUpperCase()} ${message}${tail}`, secrets), level);
    };
    return {
      debug: (m, f) => emit("debug", m, f),
      info: (m, f) => emit("info", m, f),
      warn: (m, f) => emit("warn", m, f),
      error: (m, f) => emit("error", m, f),
      with: (fields) => make({ ...base, ...fields }),
    };
  };
  return make({});
}

/** A logger that drops everything (tests that do not look at logs). */
export const silentLogger: Logger = createLogger({
  level: "error",
  sink: () => {},
});

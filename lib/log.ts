/**
 * A small line logger for journald: one line per event, `key=value` fields
 * (or a JSON object per line with `LOG_FORMAT=json`), with every configured
 * secret (lib/secrets.ts: the bot token, the webhook secret, ComfyUI's
 * `auth` and `token`, URL user info and query strings) masked wherever it
 * appears, including inside error messages and their causes.
 *
 * @module
 */

import { PRIVATE_FILE } from "./host/mod.ts";
import { redact, type SecretSettings, secretsOf } from "./secrets.ts";

/** Log verbosity, lowest first. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** How log lines are written: `key=value` text or JSON objects. */
export type LogFormat = "text" | "json";

export { redact } from "./secrets.ts";

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
  /** `text` (default): `LEVEL message key=value`; `json`: one object a line. */
  format?: LogFormat;
  /** The time stamped on JSON lines (default `Date.now`). */
  now?: () => number;
}

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** Renders an error with its cause chain on one line. */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined; depth++) {
    if (current instanceof Error) {
      parts.push(`${current.name}: ${current.message}`);
      // grammY's HttpError keeps the fetch failure in `error`, not `cause`:
      // it says why (refused, DNS) and holds the URL, hence the token.
      current = current.cause ?? (current as { error?: unknown }).error;
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

// syslog(3) priorities; journald reads a leading `<N>` on stdout/stderr
// (SyslogLevelPrefix=yes, the default) as the line's priority.
const PRIORITY: Record<LogLevel, number> = {
  debug: 7,
  info: 6,
  warn: 4,
  error: 3,
};

/**
 * Prefixes every line with its syslog priority (`<3>` for errors) for
 * journald, so that `journalctl -p err` finds the errors. Use it only when
 * systemd connected the output to the journal (JOURNAL_STREAM is set):
 * on a terminal the prefixes are noise.
 */
export function journalSink(next: LogSink = stderrSink): LogSink {
  return (line, level) => next(`<${PRIORITY[level]}>${line}`, level);
}

/** stderr, with priorities when `journal` (JOURNAL_STREAM is set). */
export function consoleSink(journal: boolean): LogSink {
  return journal ? journalSink(stderrSink) : stderrSink;
}

/** Also appends every line to `path` (the old bot's LOG_FILE habit). */
export function fileSink(path: string, next: LogSink = stderrSink): LogSink {
  // 0600: log lines name users and jobs.
  const file = Deno.openSync(path, {
    append: true,
    create: true,
    mode: PRIVATE_FILE,
  });
  const encoder = new TextEncoder();
  return (line, level) => {
    next(line, level);
    file.writeSync(encoder.encode(line + "\n"));
  };
}

function textLine(level: LogLevel, message: string, fields: LogFields) {
  const tail = Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}=${formatValue(v)}`)
    .join("");
  return `${level.toUpperCase()} ${message}${tail}`;
}

// Errors become their one-line description: JSON.stringify drops them.
function jsonLine(
  ts: number,
  level: LogLevel,
  message: string,
  fields: LogFields,
): string {
  const out: Record<string, unknown> = {
    ts: new Date(ts).toISOString(),
    level,
    msg: message,
  };
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined || k in out) continue;
    out[k] = v instanceof Error ? describeError(v) : v;
  }
  try {
    return JSON.stringify(out);
  } catch {
    // A cycle or a BigInt: keep the line, lose the odd field.
    return JSON.stringify({ ...out, ...stringified(fields) });
  }
}

function stringified(fields: LogFields): Record<string, string> {
  return Object.fromEntries(
    Object.entries(fields).map(([k, v]) => [k, formatValue(v)]),
  );
}

/** Creates a logger that writes `LEVEL message key=value ...` or JSON lines. */
export function createLogger(options: LoggerOptions): Logger {
  const secrets = options.secrets ?? [];
  const sink = options.sink ?? stderrSink;
  const min = RANK[options.level];
  const now = options.now ?? Date.now;
  const json = options.format === "json";
  const make = (base: LogFields): Logger => {
    const emit = (level: LogLevel, message: string, fields?: LogFields) => {
      if (RANK[level] < min) return;
      const all = { ...base, ...fields };
      const line = json
        ? jsonLine(now(), level, message, all)
        : textLine(level, message, all);
      sink(redact(line, secrets), level);
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

/**
 * The bot's logger as the configuration asks for it, masking secrets;
 * `sink` replaces standard error (tests, and journald priorities under
 * systemd: see {@link consoleSink}).
 */
export function loggerFor(
  config: SecretSettings & {
    readonly logLevel: LogLevel;
    readonly logFormat: LogFormat;
    readonly logFile?: string | undefined;
  },
  sink: LogSink = stderrSink,
): Logger {
  return createLogger({
    level: config.logLevel,
    format: config.logFormat,
    secrets: secretsOf(config),
    sink: config.logFile ? fileSink(config.logFile, sink) : sink,
  });
}

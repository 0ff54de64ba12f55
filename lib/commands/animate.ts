import { createBackends } from "../app/mod.ts";
import { type Clock, systemClock } from "../clock.ts";
import { type Renderer, VideoSpool } from "../comfy/mod.ts";
import type { Config } from "../config/mod.ts";
import { describeError, type Logger, loggerFor } from "../log.ts";
import { checkDimensions, imageDimensions } from "../media/mod.ts";
import {
  parseDuration,
  QUALITIES,
  QUALITY_NAMES,
  settingsKey,
} from "../pricing.ts";
import postgres from "postgres";
import { PG_OPTIONS } from "../db/pg/schema.ts";
import {
  loadProcessingStats,
  pgTextFiles,
  ProcessingStats,
} from "../stats/mod.ts";
import { estimateProgress, renderBar, spinnerFrame } from "../progress.ts";

/** What `lora-bot animate` was asked to do. */
export interface AnimateArgs {
  readonly photo: string;
  readonly duration: 5 | 10 | 15;
  readonly sizePx: number;
  readonly output: string;
}

/** Usage of the command, printed with every argument error. */
export const ANIMATE_USAGE =
  "usage: lora-bot animate PHOTO [--duration 5|10|15] [--quality 300|600|832] [-o OUT.mp4]";

const SIZES = [300, 600, 832];

/** Parses the arguments after `animate`; a string is the error to print. */
export function parseAnimateArgs(
  args: readonly string[],
): AnimateArgs | string {
  let photo: string | undefined;
  let duration: AnimateArgs["duration"] = 10;
  let sizePx = 600;
  let output: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const value = args[i + 1];
    if (arg === "--duration" || arg === "--quality" || arg === "-o") {
      if (value === undefined) return `${arg} needs a value`;
      i++;
      if (arg === "-o") output = value;
      else if (arg === "--duration") {
        const parsed = parseDuration(value);
        if (parsed === undefined) return `--duration must be 5, 10 or 15`;
        duration = parsed;
      } else {
        if (!SIZES.includes(Number(value))) {
          return `--quality must be 300, 600 or 832`;
        }
        sizePx = Number(value);
      }
    } else if (arg.startsWith("-")) {
      return `unknown option "${arg}"`;
    } else if (photo === undefined) {
      photo = arg;
    } else {
      return `only one photo, please ("${arg}")`;
    }
  }
  if (photo === undefined) return "which photo?";
  return {
    photo,
    duration,
    sizePx,
    output: output ?? photo.replace(/\.[^./]+$/, "") + ".mp4",
  };
}

/** What {@link runAnimate} uses of the outside world. */
export interface AnimateIO {
  readonly renderer: Renderer;
  readonly clock: Clock;
  /** Writes a line (stderr). */
  readonly print: (line: string) => void;
  /** Redraws the progress line in place (stderr, `\r`). */
  readonly status: (line: string) => void;
  /** Seconds the render is predicted to take. */
  readonly predictSeconds: number;
  readonly intervalMs?: number;
}

/**
 * `lora-bot animate`: one job through the same client the bot uses, with a
 * progress bar in the terminal, so an operator can test a ComfyUI server
 * without Telegram. Returns the exit code.
 */
export async function runAnimate(
  args: AnimateArgs,
  io: AnimateIO,
): Promise<number> {
  const image = await Deno.readFile(args.photo).catch((error) => {
    io.print(`animate: cannot read ${args.photo}: ${describeError(error)}`);
    return undefined;
  });
  if (image === undefined) return 1;
  const size = imageDimensions(image);
  const problem = size === undefined
    ? "not a JPEG, PNG or WebP image"
    : checkDimensions(size);
  if (problem !== undefined) {
    io.print(`animate: ${args.photo}: ${problem.replace("_", " ")}`);
    return 1;
  }
  const started = io.clock.now();
  const ticker = new AbortController();
  const ticking = tick(io, started, ticker.signal);
  try {
    const result = await io.renderer.render({
      clientId: `cli_${Math.floor(started)}`,
      image,
      durationSeconds: args.duration,
      sizePx: args.sizePx,
    });
    ticker.abort();
    await ticking;
    await Deno.copyFile(result.file.path, args.output).finally(() =>
      result.file.discard()
    );
    const seconds = ((io.clock.now() - started) / 1000).toFixed(1);
    io.status(`[${"▓".repeat(10)}] 100%`);
    io.print("");
    io.print(
      `animate: ${args.output} (${result.file.size} bytes) in ${seconds} s` +
        (result.preview ? " — preview, not AI" : ""),
    );
    return 0;
  } catch (error) {
    ticker.abort();
    await ticking;
    io.print("");
    io.print(`animate: the render failed: ${describeError(error)}`);
    return 1;
  }
}

async function tick(io: AnimateIO, started: number, signal: AbortSignal) {
  const interval = io.intervalMs ?? 500;
  for (let i = 0; i < 86_400_000 / interval && !signal.aborted; i++) {
    const estimate = estimateProgress(
      io.clock.now() - started,
      io.predictSeconds * 1000,
    );
    io.status(
      `${spinnerFrame(i)} ${renderBar(estimate.percent)} ${estimate.percent}%` +
        (estimate.overdue
          ? "  taking longer than usual"
          : `  ~${estimate.remainingSeconds} s left`),
    );
    await io.clock.sleep(interval, signal).catch(() => {});
  }
}

/**
 * The whole command from the configuration: builds the same backends as
 * the bot (COMFYUI_URLS or COMFYUI_URL) and predicts the time from
 * processing_stats.json (or its row on PostgreSQL). Returns the exit code.
 */
export async function animateCommand(
  config: Config,
  argv: readonly string[],
  print: (line: string) => void,
): Promise<number> {
  const args = parseAnimateArgs(argv);
  if (typeof args === "string") {
    print(`animate: ${args}\n${ANIMATE_USAGE}`);
    return 2;
  }
  // No LOG_FILE: the command's own lines go to the terminal only.
  const log = loggerFor({ ...config, logFile: undefined });
  const jobs = new Map<string, string>();
  // Its own folder: the bot sweeps its spool when it starts.
  const spool = new VideoSpool(`${config.dataDir}/tmp/animate-${Deno.pid}`);
  const { pool } = await createBackends(config, {
    clock: systemClock,
    log,
    spool,
    assignments: {
      get: (id) => Promise.resolve(jobs.get(id)),
      set: (id, s) => {
        jobs.set(id, s);
        return Promise.resolve();
      },
    },
  });
  const stats = await renderTimes(config, log);
  const quality = QUALITY_NAMES.find((q) => QUALITIES[q] === args.sizePx) ??
    "medium";
  const encoder = new TextEncoder();
  try {
    return await runAnimate(args, {
      renderer: pool,
      clock: systemClock,
      print,
      status: (line) =>
        Deno.stderr.writeSync(encoder.encode(`\r${line}\x1b[K`)),
      predictSeconds: stats.predictSeconds(
        settingsKey({ duration: args.duration, quality }),
      ),
    });
  } finally {
    await Deno.remove(spool.dir, { recursive: true }).catch(() => {});
    await pool.stop();
  }
}

/**
 * The bot's render-time history where the bot keeps it: DATA_DIR, or the
 * `processing_stats` table with DATABASE_URL. Unreadable, it is empty (the
 * default prediction): a render does not need it.
 */
export async function renderTimes(
  config: Pick<Config, "dataDir" | "databaseUrl">,
  log: Logger,
): Promise<ProcessingStats> {
  const path = `${config.dataDir}/processing_stats.json`;
  if (config.databaseUrl === undefined) {
    return (await loadProcessingStats(path)).stats;
  }
  const sql = postgres(config.databaseUrl, { ...PG_OPTIONS, max: 1 });
  try {
    return (await loadProcessingStats(path, pgTextFiles(sql))).stats;
  } catch (error) {
    log.warn("cannot read the render times; predicting the default", {
      error: describeError(error),
    });
    return new ProcessingStats();
  } finally {
    await sql.end({ timeout: 5 });
  }
}

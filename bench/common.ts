/**
 * Shared by the benchmarks: the machine they ran on, percentiles, a
 * padded sample video and printing a report as a JSON block.
 *
 * @module
 */

import { SAMPLE_MP4 } from "../tests/fixtures/media.ts";

/** Where a benchmark ran. */
export interface Machine {
  readonly os: string;
  readonly arch: string;
  readonly cpus: number;
  readonly memoryGiB: number | undefined;
  readonly deno: string;
}

/** The machine: `Deno.build`, the CPU count, total memory (--allow-sys). */
export function machine(): Machine {
  let memoryGiB: number | undefined;
  try {
    memoryGiB = Math.round(Deno.systemMemoryInfo().total / 1024 ** 3);
  } catch {
    // no --allow-sys: unknown
  }
  return {
    os: Deno.build.os,
    arch: Deno.build.arch,
    cpus: navigator.hardwareConcurrency,
    memoryGiB,
    deno: Deno.version.deno,
  };
}

/** The `p`-th percentile (0..100, nearest rank) of `values`. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))] as number;
}

/** Rounds to `digits` decimals. */
export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Mean, median and worst of durations in milliseconds, with the samples. */
export function msSummary(values: readonly number[]): {
  meanMs: number;
  p50Ms: number;
  maxMs: number;
  samplesMs: readonly number[];
} {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return {
    meanMs: round(mean, 0),
    p50Ms: percentile(values, 50),
    maxMs: Math.max(...values),
    samplesMs: values,
  };
}

/** SAMPLE_MP4 padded with zeros to `bytes`: a valid header, a big body. */
export function paddedVideo(bytes: number): Uint8Array<ArrayBuffer> {
  const video = new Uint8Array(Math.max(bytes, SAMPLE_MP4.length));
  video.set(SAMPLE_MP4);
  return video;
}

/** Prints a report (with date and machine) as a JSON block on stdout. */
export function printReport(
  name: string,
  figures: Record<string, unknown>,
): void {
  const report = {
    benchmark: name,
    date: new Date().toISOString().slice(0, 10),
    machine: machine(),
    ...figures,
  };
  Deno.stdout.writeSync(
    new TextEncoder().encode(JSON.stringify(report, null, 2) + "\n"),
  );
}

/** A progress line on stderr. */
export function note(text: string): void {
  Deno.stderr.writeSync(new TextEncoder().encode(`bench: ${text}\n`));
}

/** Polls `done` every 50 ms until it holds; throws after `timeoutMs`. */
export async function waitUntil(
  done: () => boolean,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Samples this process's event-loop lateness with a 10 ms timer. */
export function lagSampler(): {
  /** [epoch ms of the tick, lateness in ms]. */
  readonly samples: [number, number][];
  start(): void;
  stop(): void;
} {
  const samples: [number, number][] = [];
  let timer: ReturnType<typeof setInterval> | undefined;
  return {
    samples,
    start() {
      let last = performance.now();
      timer ??= setInterval(() => {
        const now = performance.now();
        const lag = Math.max(0, now - last - LAG_TICK_MS);
        samples.push([performance.timeOrigin + now, lag]);
        last = now;
      }, LAG_TICK_MS);
    },
    stop() {
      clearInterval(timer);
    },
  };
}

const LAG_TICK_MS = 10;

/** Lines of a child's stdout, one at a time, each within a deadline. */
export function lineReader(
  stream: ReadableStream<Uint8Array>,
): (timeoutMs: number) => Promise<string> {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  return async (timeoutMs: number): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    while (!buffer.includes("\n")) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error("the bot process did not answer");
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), left);
      });
      const next = await Promise.race([reader.read(), timeout]);
      clearTimeout(timer);
      if (next === "timeout") continue;
      if (next.done) throw new Error("the bot process ended early");
      buffer += next.value;
    }
    const end = buffer.indexOf("\n");
    const line = buffer.slice(0, end);
    buffer = buffer.slice(end + 1);
    return line;
  };
}

/** The `--v8-flags=…` of deno.json's start task, if any. */
export function startFlags(denoJson: string): string[] {
  const start = (JSON.parse(denoJson) as { tasks: Record<string, string> })
    .tasks.start ?? "";
  return start.match(/--v8-flags=\S+/g) ?? [];
}

/**
 * A Deno script of the benchmarks in a process of its own (net to
 * 127.0.0.1, files, env, ffmpeg), with only `env` and NO_COLOR set; its
 * stdin and stdout piped, stderr shown.
 */
export function benchChild(
  script: string,
  options: {
    readonly args?: readonly string[];
    readonly v8Flags?: readonly string[];
    readonly env?: Record<string, string>;
  } = {},
): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--allow-net=127.0.0.1",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--allow-run=ffmpeg",
      ...(options.v8Flags ?? []),
      script,
      ...(options.args ?? []),
    ],
    env: { NO_COLOR: "1", ...options.env },
    clearEnv: true,
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
}

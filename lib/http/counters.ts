/**
 * In-process counters for `/metrics`: what only the running process sees
 * (ComfyUI and Telegram failures, updates received). Everything that lives
 * in the database (jobs, tokens, render times) is read from it at scrape
 * time instead, so it survives restarts.
 *
 * The counters are filled from the outside of the components: a wrapper
 * around the ComfyUI renderer and a Bot API transformer, so the job runner
 * and the bot need no metrics code.
 *
 * @module
 */

import { HttpError, type Transformer } from "grammy";
import { ComfyError, type Renderer } from "../comfy/mod.ts";

/** A counter with one label; the empty label is the unlabelled series. */
export class Counter {
  readonly #values = new Map<string, number>();

  /** Adds `by` (default 1) to the series `label`. */
  inc(label = "", by = 1): void {
    this.#values.set(label, (this.#values.get(label) ?? 0) + by);
  }

  /** The value of one series (0 when never incremented). */
  get(label = ""): number {
    return this.#values.get(label) ?? 0;
  }

  /** Every series, sorted by label. */
  entries(): [string, number][] {
    return [...this.#values].sort(([a], [b]) => a.localeCompare(b));
  }
}

/** Observations counted per bucket, as a Prometheus histogram shows them. */
export interface HistogramSnapshot {
  /** Upper bounds, ascending, without +Inf. */
  readonly bounds: readonly number[];
  /** Observations ≤ each bound (cumulative). */
  readonly cumulative: readonly number[];
  readonly count: number;
  readonly sum: number;
}

/** A histogram with fixed upper bounds. */
export class Histogram {
  readonly #bounds: readonly number[];
  readonly #counts: number[];
  #count = 0;
  #sum = 0;

  /** `bounds`: ascending upper bounds, without +Inf. */
  constructor(bounds: readonly number[]) {
    this.#bounds = bounds;
    this.#counts = bounds.map(() => 0);
  }

  /** Counts one observation. */
  observe(value: number): void {
    const i = this.#bounds.findIndex((b) => value <= b);
    if (i >= 0) this.#counts[i] = (this.#counts[i] ?? 0) + 1;
    this.#count++;
    this.#sum += value;
  }

  /** The buckets made cumulative, with the count and the sum. */
  snapshot(): HistogramSnapshot {
    let running = 0;
    return {
      bounds: this.#bounds,
      cumulative: this.#counts.map((n) => running += n),
      count: this.#count,
      sum: this.#sum,
    };
  }
}

/** Upper bounds of the Telegram pace histogram, in seconds. */
export const PACE_BUCKETS: readonly number[] = [
  0.005,
  0.05,
  0.25,
  0.5,
  1,
  2.5,
  5,
  10,
  30,
  60,
];

/** One render server as /metrics shows it. */
export interface ServerUp {
  readonly name: string;
  readonly up: boolean;
}

/** The process's counters. */
export class Metrics {
  /** ComfyUI failures by {@link ComfyError} kind. */
  readonly comfyuiErrors: Counter = new Counter();
  /** Failed Bot API calls by kind: `429`, `5xx`, `4xx`, `network`. */
  readonly telegramErrors: Counter = new Counter();
  /** Updates received from Telegram (polling or webhook). */
  readonly updates: Counter = new Counter();
  /** Seconds Bot API calls waited for Telegram's pace (the throttle). */
  readonly telegramWait: Histogram = new Histogram(PACE_BUCKETS);
  /** When a getUpdates last succeeded (ms since the epoch), for /healthz. */
  lastPollAt: number | undefined;
  /** The render servers and whether each is up (set once the pool runs). */
  servers: () => readonly ServerUp[] = () => [];
  /** This instance's role (set by the app once its leadership runs). */
  role: () => "active" | "standby" = () => "active";
}

/** The same renderer, counting its failures by kind. */
export function countingRenderer(
  renderer: Renderer,
  metrics: Metrics,
): Renderer {
  const count = (error: unknown): never => {
    if (error instanceof ComfyError) metrics.comfyuiErrors.inc(error.kind);
    throw error;
  };
  return {
    render: (request) => renderer.render(request).catch(count),
    recover: (request) => renderer.recover(request).catch(count),
    cancel: (clientId) => renderer.cancel(clientId),
  };
}

/**
 * A Bot API transformer counting failed calls (every attempt: install it
 * below the retry) and the updates long polling receives.
 */
export function telegramCounter(
  metrics: Metrics,
  now: () => number,
): Transformer {
  return async (prev, method, payload, signal) => {
    try {
      const result = await prev(method, payload, signal);
      if (result.ok) {
        if (method === "getUpdates" && Array.isArray(result.result)) {
          metrics.updates.inc("", result.result.length);
          metrics.lastPollAt = now();
        }
      } else {
        metrics.telegramErrors.inc(errorKind(result.error_code));
      }
      return result;
    } catch (error) {
      if (error instanceof HttpError && !signal?.aborted) {
        metrics.telegramErrors.inc("network");
      }
      throw error;
    }
  };
}

function errorKind(code: number): string {
  if (code === 429) return "429";
  return code >= 500 ? "5xx" : "4xx";
}

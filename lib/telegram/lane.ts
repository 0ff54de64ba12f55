/**
 * A lane: a queue (priorities, FIFO within a priority) that lets one job
 * at a time go, each call starting at least `spacingMs` after the previous
 * one really started, and not before it has settled.
 *
 * Why not Bottleneck (what `@grammyjs/transformer-throttler` is built on):
 * its `minTime` counts from the moment a job is taken off the queue, not
 * from the moment the call behind it starts, so a chat queue chained to
 * the global one counted the time a call waited for the global budget as
 * part of the chat's interval (two calls to one chat left as little as
 * 35 ms apart and earned 429s in the load benchmark); and each handover
 * took a few timer turns, about 14 ms a message even when nothing waited.
 * Here the spacing runs from the real start, so a late timer only ever
 * widens a gap, and an idle lane starts a job at once.
 *
 * A job stays in the queue, where priorities apply, while the previous one
 * holds the lane: until its call has settled and until {@link LEAD_MS}
 * before the spacing runs out; it then waits out the rest itself. The lead
 * absorbs a timer's lateness (at 30 calls a second, 1 ms late on every
 * turn costs a call a second) while a video arriving in the last
 * milliseconds waits at most one more turn.
 *
 * @module
 */

import type { Clock } from "../clock.ts";

/** How a job runs in its lane. */
export interface LaneJob<T> {
  /** 0 (first) to 9; 5 is the default. */
  readonly priority: number;
  /** Aborting it while the job waits rejects with its reason at once. */
  readonly signal?: AbortSignal | undefined;
  /** Awaited once the job leaves the queue, before it starts (another lane's turn). */
  readonly before?: (signal?: AbortSignal) => Promise<void>;
  /** The call; the lane is held until it has settled. */
  readonly start: () => Promise<T>;
}

/** How early a job leaves the queue before its lane's spacing runs out. */
export const LEAD_MS = 5;

/** See the module documentation. */
export class Lane {
  readonly #spacingMs: number;
  readonly #leadMs: number;
  readonly #clock: Clock;
  // When the last job started plus the spacing.
  #readyAt = Number.NEGATIVE_INFINITY;
  #jobs = 0;
  // Turns not started yet, by priority then arrival; work() never rejects.
  readonly #waiting: { priority: number; work: () => Promise<void> }[] = [];
  #busy = false;

  constructor(spacingMs: number, clock: Clock) {
    this.#spacingMs = spacingMs;
    this.#leadMs = Math.min(LEAD_MS, spacingMs);
    this.#clock = clock;
  }

  /** True at `now` when no job waits or runs and the spacing has run out. */
  idle(now: number): boolean {
    return this.#jobs === 0 && now >= this.#readyAt;
  }

  /** Runs `job.start` at its turn; resolves or rejects as it does. */
  run<T>(job: LaneJob<T>): Promise<T> {
    const { signal } = job;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<T>((resolve, reject) => {
      // An aborted job is rejected now and skipped, without holding the
      // lane, when its turn comes.
      let gone = false;
      const onAbort = () => {
        gone = true;
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#jobs++;
      const work = async () => {
        try {
          if (gone) return;
          await this.#until(this.#readyAt, signal);
          await job.before?.(signal);
          if (gone) return;
          signal?.removeEventListener("abort", onAbort);
          this.#readyAt = this.#clock.now() + this.#spacingMs;
          const running = job.start();
          running.then(resolve, reject);
          await running.catch(() => {});
          await this.#until(this.#readyAt - this.#leadMs);
        } catch (error) {
          // Aborted while pacing or waiting for the other lane.
          reject(error);
        } finally {
          signal?.removeEventListener("abort", onAbort);
          this.#jobs--;
        }
      };
      this.#enqueue(job.priority, work);
    });
  }

  #enqueue(priority: number, work: () => Promise<void>): void {
    const at = this.#waiting.findIndex((w) => w.priority > priority);
    const entry = { priority, work };
    if (at < 0) this.#waiting.push(entry);
    else this.#waiting.splice(at, 0, entry);
    this.#next();
  }

  // Starts the next turn once the lane is free; an idle lane starts it at
  // once, in the same tick.
  #next(): void {
    if (this.#busy) return;
    const next = this.#waiting.shift();
    if (next === undefined) return;
    this.#busy = true;
    next.work().finally(() => {
      this.#busy = false;
      this.#next();
    });
  }

  async #until(time: number, signal?: AbortSignal): Promise<void> {
    // Bounded: a clock's sleep can end a millisecond early (timers and
    // Date.now() round differently), so the time is checked again.
    for (let check = 0; check < 3; check++) {
      const wait = time - this.#clock.now();
      if (wait <= 0) return;
      await this.#clock.sleep(wait, signal);
    }
  }
}

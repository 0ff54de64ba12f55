/**
 * A {@link Clock} for unit tests: time moves only when the test says so.
 *
 * @module
 */

import type { Clock } from "../../lib/clock.ts";

/** A clock that moves only when told; sleepers wake in deadline order. */
export class ManualClock implements Clock {
  #now = 0;
  readonly #sleepers: { at: number; wake: () => void }[] = [];

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const sleeper = { at: this.#now + ms, wake: resolve };
      this.#sleepers.push(sleeper);
      signal?.addEventListener("abort", () => {
        this.#sleepers.splice(this.#sleepers.indexOf(sleeper), 1);
        reject(signal.reason);
      }, { once: true });
    });
  }

  get sleeping(): number {
    return this.#sleepers.length;
  }

  /** Moves to the earliest deadline and wakes who is due; false if none. */
  advance(): boolean {
    if (this.#sleepers.length === 0) return false;
    this.#sleepers.sort((a, b) => a.at - b.at);
    this.advanceTo(this.#sleepers[0]?.at ?? this.#now);
    return true;
  }

  /** Moves to `t` (never back) and wakes who is due. */
  advanceTo(t: number): void {
    this.#now = Math.max(this.#now, t);
    this.#sleepers.sort((a, b) => a.at - b.at);
    const due = this.#sleepers.filter((s) => s.at <= this.#now);
    this.#sleepers.splice(0, due.length);
    for (const sleeper of due) sleeper.wake();
  }
}

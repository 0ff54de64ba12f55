import type { Clock } from "../clock.ts";
import { settingsKey } from "../pricing.ts";
import type { JobProgress } from "./notifier.ts";
import { FifoLimiter } from "./semaphore.ts";
import type { Job } from "./store.ts";

/** Options of {@link JobQueue}. */
export interface JobQueueOptions {
  readonly concurrency: number;
  readonly clock: Clock;
  readonly intervalMs: number;
  /** Seconds a render with these settings (e.g. "10_medium") should take. */
  readonly predictSeconds: (key: string) => number;
  /** A job in progress by id, to count what waits ahead. */
  readonly jobOf: (id: string) => Job | undefined;
}

/**
 * The first-come queue in front of ComfyUI: at most `concurrency` jobs run
 * at once; a waiting job's progress message shows its place and a wait that
 * counts the jobs ahead.
 */
export class JobQueue {
  readonly #o: JobQueueOptions;
  readonly #limiter: FifoLimiter;

  constructor(options: JobQueueOptions) {
    this.#o = options;
    this.#limiter = new FifoLimiter(options.concurrency);
  }

  /** True when a job starting now would wait in line. */
  get full(): boolean {
    return this.#limiter.full;
  }

  /** Waits for a slot (showing the place in line), then runs `fn` in it. */
  async run<T>(
    job: Job,
    progress: JobProgress,
    signal: AbortSignal,
    fn: () => Promise<T>,
  ): Promise<T> {
    const waiting = this.#limiter.acquire(job.id, signal);
    let acquired = false;
    waiting.then(() => acquired = true, () => {});
    const { clock, intervalMs } = this.#o;
    // Bounded: nobody waits in line for more than a day of updates.
    for (let round = 0; !acquired && round < 86_400_000 / intervalMs; round++) {
      const position = this.#limiter.position(job.id);
      if (position > 0) {
        await progress.queued(position, this.#seconds(job));
      }
      await Promise.race([
        waiting,
        clock.sleep(intervalMs, signal).catch(() => {}),
      ]);
    }
    await waiting;
    try {
      return await fn();
    } finally {
      this.#limiter.release(job.id);
    }
  }

  // The wait of `job` in seconds: every render ahead of it and its own,
  // shared among the slots.
  #seconds(job: Job): number {
    const ahead = this.#limiter.ahead(job.id)
      .map((id) => this.#o.jobOf(id) ?? job);
    return [...ahead, job]
      .map((j) => this.#o.predictSeconds(settingsKey(j)))
      .reduce((a, b) => a + b, 0) / Math.max(1, this.#o.concurrency);
  }
}

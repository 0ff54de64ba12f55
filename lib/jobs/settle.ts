/**
 * Settling a job whose video Telegram accepted: the sent video is recorded
 * on the job (its message and file id), then the hold is captured. Both
 * are database writes that can fail (another writer holds the lock past
 * `busy_timeout`, the disk is full); they are retried, and a job that
 * still cannot be captured stays `delivering` with its video recorded, so
 * the next start completes it without sending the video again
 * ({@link JobRunner.resume}). A sent video is never refunded: `fail()`
 * leaves such a job alone.
 *
 * @module
 */

import type { Clock } from "../clock.ts";
import type { Logger } from "../log.ts";
import type { Job, JobStore } from "./job.ts";

/** The message Telegram returned for the video. */
export interface SentVideo {
  readonly messageId: number;
  readonly videoFileId: string | undefined;
}

/** How often and how patiently a capture is tried. */
export interface SettleOptions {
  /** Tries in all (default 5). */
  readonly attempts?: number;
  /** Wait before the second try (default 200 ms); doubles each time. */
  readonly backoffMs?: number;
}

/** The capture could not be written; the next start completes the job. */
export class CaptureDeferredError extends Error {
  readonly jobId: string;
  /** Whether the sent video is recorded on the job (else it is sent again). */
  readonly recorded: boolean;

  constructor(jobId: string, recorded: boolean, options?: ErrorOptions) {
    super(`Cannot capture job "${jobId}" after its video was sent`, options);
    this.name = "CaptureDeferredError";
    this.jobId = jobId;
    this.recorded = recorded;
  }
}

/** What {@link settleSent} works with. */
export interface SettleDeps {
  readonly store: JobStore;
  readonly clock: Clock;
  readonly log: Logger;
  readonly settle?: SettleOptions;
}

/**
 * Records the sent video (unless `sent` is undefined: recorded before) and
 * captures the job, retrying both; returns the done job.
 * @throws {CaptureDeferredError} when every try failed or `signal` ended
 * the waiting; the job is left for the next start.
 */
export async function settleSent(
  deps: SettleDeps,
  job: Job,
  options: {
    sent?: SentVideo | undefined;
    renderSeconds: number;
    signal?: AbortSignal;
  },
): Promise<Job> {
  const { store, clock, log } = deps;
  const attempts = deps.settle?.attempts ?? 5;
  let wait = deps.settle?.backoffMs ?? 200;
  let recorded = options.sent === undefined;
  let last: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      if (!recorded && options.sent !== undefined) {
        await store.markSent(job.id, options.sent);
        recorded = true;
      }
      return await store.complete(job.id, {
        renderSeconds: options.renderSeconds,
        ...(options.sent?.videoFileId
          ? { videoFileId: options.sent.videoFileId }
          : {}),
      });
    } catch (error) {
      last = error;
      log.warn("cannot capture a sent video; retrying", {
        attempt,
        recorded,
        error,
      });
    }
    if (attempt === attempts || options.signal?.aborted) break;
    try {
      await clock.sleep(wait, options.signal);
    } catch {
      break; // shutting down: the next start completes it
    }
    wait *= 2;
  }
  throw new CaptureDeferredError(job.id, recorded, { cause: last });
}

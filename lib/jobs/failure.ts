/**
 * What a job that ended without a delivered video tells its user and the
 * ledger: a cancel or a stop says so, a failure gives the hold back; a job
 * whose video was sent is never refunded (lib/jobs/settle.ts).
 *
 * @module
 */

import type { Logger } from "../log.ts";
import { reasonOf } from "./errors.ts";
import type { JobProgress } from "./notifier.ts";
import { CaptureDeferredError } from "./settle.ts";
import type { Job } from "./store.ts";
import type { JobRunnerDeps } from "./types.ts";

/** How a job's run ended, for {@link handleFailure}. */
export interface Failure {
  readonly job: Job;
  readonly error: unknown;
  readonly progress: JobProgress;
  readonly log: Logger;
  /** The user cancelled it. */
  readonly cancelled: boolean;
  /** The bot is stopping; the next start resumes it. */
  readonly stopping: boolean;
}

/** Settles a job whose run threw; see the module documentation. */
export async function handleFailure(
  deps: JobRunnerDeps,
  failure: Failure,
): Promise<void> {
  const { job, error, progress, log } = failure;
  progress.dropCancel();
  if (error instanceof CaptureDeferredError) {
    // The user has the video; the next start captures the job (or, if
    // even the video could not be recorded, delivers it again).
    log.error("video sent; its capture is left for the next start", {
      recorded: error.recorded,
      error,
    });
    return;
  }
  if (deps.store.get(job.id)?.state === "done") {
    // Captured already (a status edit failed after it): nothing to undo.
    log.warn("error after the job was done", { error });
    return;
  }
  if (failure.cancelled) {
    log.info("job cancelled by the user");
    await progress.cancelled(job.cost);
    return;
  }
  if (failure.stopping) {
    log.info("job left for the next start", {
      state: deps.store.get(job.id)?.state,
    });
    await progress.paused();
    return;
  }
  await failJob(deps, failure);
}

async function failJob(deps: JobRunnerDeps, failure: Failure): Promise<void> {
  const { job, error, progress, log } = failure;
  const reason = reasonOf(error);
  log.error("job failed", { reason, error });
  try {
    deps.store.fail(
      job.id,
      `${reason}: ${error instanceof Error ? error.message : String(error)}`,
    );
  } catch (ledgerError) {
    log.error("cannot release the hold", { error: ledgerError });
    return;
  }
  deps.onJobEnd?.({ jobId: job.id, outcome: "failed", reason });
  await progress.failed(reason);
  if (reason === "too_big") await tellAdmins(deps, job, error);
}

// Something only the operator can fix (the workflow's output size).
async function tellAdmins(
  deps: JobRunnerDeps,
  job: Job,
  error: unknown,
): Promise<void> {
  const text = `⚠️ lora-bot: job ${job.id} of user ${job.userId} could not ` +
    `be delivered: ${
      error instanceof Error ? error.message : String(error)
    }. ` +
    `The workflow makes videos over Telegram's 50 MB upload limit; install ` +
    `ffmpeg on the bot's server to re-encode them, or lower the output size.`;
  await deps.notifier.toAdmins(text);
}

/**
 * The JobNotifier port: everything the job runner tells people, declared
 * here in the runner's own terms (a job, a reason, a figure) so that jobs/
 * knows no Telegram, no keyboards and no texts. The bot implements it
 * (lib/bot/job_view/), the composition root hands it to the runner.
 *
 * @module
 */

import type { RenderProgress, VideoFile } from "../comfy/mod.ts";
import type { Logger } from "../log.ts";
import type { FailureReason } from "./errors.ts";
import type { SentVideo } from "./settle.ts";
import type { Job } from "./store.ts";

/**
 * A job's one progress message, edited in place as the job goes: started
 * or resumed, its place in line, the live bar, then the outcome. A failed
 * edit never fails the job.
 */
export interface JobProgress {
  /** The message, once sent (remembered for a restart). */
  readonly messageId: number | undefined;
  /** A new job: sends the message with its cancel button. */
  starting(): Promise<void>;
  /** A job picked up after a restart: edits its message, or sends anew. */
  resumed(): Promise<void>;
  /** Waiting in line at `position` (1 = next) for about `etaSeconds`. */
  queued(position: number, etaSeconds: number): Promise<void>;
  /** Shows a bar from `startedAt` towards the predicted end. */
  startTicking(startedAt: number, predictedMs: number): void;
  /** Real progress from the render server; the bar follows it. */
  observe(progress: RenderProgress): void;
  /** Stops the bar. */
  stopTicking(): void;
  /** The job can no longer be cancelled (sending, or ended): no button. */
  dropCancel(): void;
  /** Delivered and captured: the cost (or the free video) and the balance. */
  done(job: Job, balance: number): Promise<void>;
  /** Cancelled by its user; `cost` went back. */
  cancelled(cost: number): Promise<void>;
  /** The bot stops; the next start resumes the job. */
  paused(): Promise<void>;
  /** Failed for `reason`; the hold went back. */
  failed(reason: FailureReason): Promise<void>;
  /** Stops everything; pending edits still finish. */
  close(): void;
}

/** Who asked for a video: the chat to answer in, in the user's language. */
export interface Requester {
  readonly chatId: number;
  readonly locale: string;
}

/** Everything the job runner says to users and admins. */
export interface JobNotifier {
  /** The progress message of `job` (its earlier one after a restart). */
  progress(job: Job, log: Logger): JobProgress;
  /**
   * Sends the finished video (`preview`: from the no-GPU backend); throws
   * a `JobError("send")` when the chat refuses it.
   */
  video(job: Job, video: VideoFile, preview: boolean): Promise<SentVideo>;
  /** The photo of `request` was refused for `reason`; no job was made. */
  refused(request: Requester, reason: FailureReason): Promise<void>;
  /** The balance ran out while the photo was being checked. */
  notEnough(
    request: Requester,
    figures: { readonly needed: number; readonly balance: number },
  ): Promise<void>;
  /** Something only the operator can fix: said to every admin. */
  toAdmins(text: string): Promise<void>;
}

import type { Duration, Quality } from "../pricing.ts";
import type { JobExtras } from "./extras.ts";

/** Every state a job can be in, in the order of its life. */
export const JOB_STATES = [
  "queued",
  "submitted",
  "running",
  "delivering",
  "done",
  "failed",
  "cancelled",
  "refunded",
] as const;

/** Where a job is in its life (the `jobs.state` column). */
export type JobState = typeof JOB_STATES[number];

/** States after which nothing more happens to a job. */
export const FINAL_STATES: ReadonlySet<JobState> = new Set([
  "done",
  "failed",
  "cancelled",
  "refunded",
]);

/** How the user started the job. */
export type JobMode = "quick" | "wizard";

/** A persisted job. */
export interface Job extends JobExtras {
  readonly id: string;
  readonly userId: number;
  readonly chatId: number;
  readonly state: JobState;
  readonly mode: JobMode;
  readonly duration: Duration;
  readonly quality: Quality;
  readonly cost: number;
  readonly fileId: string;
  readonly updateId: number | undefined;
  readonly locale: string;
  readonly progressMessageId: number | undefined;
  readonly promptId: string | undefined;
  readonly error: string | undefined;
  /** Resubmissions after ComfyUI lost the job. */
  readonly attempts: number;
  readonly createdAt: string;
  /** The motion prompt; undefined: the workflow's own. */
  readonly prompt: string | undefined;
  /** The user's free video of the day (its price was granted). */
  readonly free: boolean;
  /** Telegram's file_id of the delivered video. */
  readonly videoFileId: string | undefined;
  /**
   * The message of the sent video: set, the video reached the user and the
   * job must be captured, never released (`complete` on the next start).
   */
  readonly videoMessageId: number | undefined;
}

/** What the bot knows when it accepts a job. */
export interface NewJob extends JobExtras {
  readonly id: string;
  readonly userId: number;
  readonly chatId: number;
  readonly mode: JobMode;
  readonly duration: Duration;
  readonly quality: Quality;
  readonly cost: number;
  readonly fileId: string;
  readonly updateId?: number | undefined;
  readonly locale: string;
  readonly prompt?: string | undefined;
  /**
   * FREE_VIDEOS_PER_DAY: a 5 s job is free while the user has had fewer
   * free videos today. Decided inside the creating transaction.
   */
  readonly freePerDay?: number | undefined;
  /**
   * MAX_ACTIVE_PER_USER: refused inside the creating transaction when the
   * user already has this many unfinished jobs (two instances, or two
   * chats of one user, cannot both pass a check made before).
   */
  readonly maxActive?: number | undefined;
}

/** The user already has as many unfinished jobs as allowed. */
export class JobLimitError extends Error {
  readonly limit: number;

  constructor(limit: number) {
    super(`At most ${limit} unfinished jobs per user`);
    this.name = "JobLimitError";
    this.limit = limit;
  }
}

/** A job for this Telegram update exists already (a re-delivery). */
export class DuplicateJobError extends Error {
  constructor(updateId: number | undefined, options?: ErrorOptions) {
    super(`A job for update ${updateId} exists already`, options);
    this.name = "DuplicateJobError";
  }
}

/**
 * Jobs and their money: the storage interface both databases implement.
 * Creating a job holds its cost, completing it captures the hold, failing
 * it releases the hold: each one transaction with the job's state change.
 */
export interface JobStore {
  /**
   * Records a queued job and holds its cost (a free video of the day is
   * granted its price first, key `free:<job>`).
   * @throws {InsufficientTokensError} when the user cannot afford it.
   * @throws {JobLimitError} when the user has `maxActive` unfinished jobs.
   * @throws {DuplicateJobError} when the update made a job already.
   */
  create(job: NewJob): Promise<Job>;
  /** The job with this id. */
  get(id: string): Promise<Job | undefined>;
  /** The job started by a Telegram update, if any. */
  byUpdate(updateId: number): Promise<Job | undefined>;
  /** When the job reached each state, oldest first. */
  events(id: string): Promise<{ state: JobState; at: string }[]>;
  /** Moves an unfinished job to a new non-final state. */
  advance(
    id: string,
    state: Exclude<JobState, "done" | "failed" | "cancelled" | "refunded">,
    fields?: { promptId?: string; progressMessageId?: number },
  ): Promise<void>;
  /** Remembers the job's progress message, whatever its state. */
  remember(id: string, fields: { progressMessageId: number }): Promise<void>;
  /** Records which render server the job was sent to. */
  assignServer(id: string, server: string): Promise<void>;
  /** The render server the job was sent to, if any. */
  serverOf(id: string): Promise<string | undefined>;
  /** Counts a resubmission (ComfyUI forgot the job across a restart). */
  countAttempt(id: string): Promise<void>;
  /**
   * Records that the job's video was sent (before the capture, which may
   * fail): from then on the job is only ever completed.
   */
  markSent(
    id: string,
    sent: { messageId: number; videoFileId: string | undefined },
  ): Promise<void>;
  /**
   * Marks the job done, spends its hold, counts the video and pays a
   * pending referral bonus.
   */
  complete(
    id: string,
    result: { videoFileId?: string; renderSeconds: number },
  ): Promise<Job>;
  /**
   * Ends the job without a video and gives the hold back; a job whose
   * video was sent is left as it is.
   */
  fail(
    id: string,
    error: string,
    state?: "failed" | "cancelled",
  ): Promise<Job>;
  /** Free videos the user may still have today under `perDay`. */
  freeLeft(userId: number, perDay: number): Promise<number>;
  /** The user's delivered videos with a file_id, newest first. */
  delivered(userId: number, limit: number): Promise<Job[]>;
  /** Jobs that have not reached a final state, oldest first. */
  unfinished(): Promise<Job[]>;
  /** How many unfinished jobs a user has. */
  activeCount(userId: number): Promise<number>;
}

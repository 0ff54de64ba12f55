/**
 * The jobs core's public face: the runner that takes a photo to a delivered
 * video, its store of jobs, and the checks around it (free videos, photo
 * downloads, output fitting). Adapters (bot/, http/, dashboard/) and app/
 * import jobs/ from here.
 *
 * @module
 */

export { FREE_DURATION, msUntilNextDay } from "./free.ts";
export type { FreeVideos } from "./free.ts";
export { fitForTelegram } from "./output_check.ts";
export { limitDownloads } from "./photo_check.ts";
export { JobRunner } from "./runner.ts";
export type { StartOutcome, StartRequest } from "./runner.ts";
export { DuplicateJobError, JOB_STATES, JobLimitError } from "./job.ts";
export { PgJobStore } from "./pg_store.ts";
export type { Job, JobState, JobStore } from "./job.ts";
export { SyncJobStore } from "./store.ts";
export { SqliteJobStore } from "./sqlite_store.ts";
export type { JobEnd } from "./types.ts";
export { JobError } from "./errors.ts";
export type { FailureReason } from "./errors.ts";
export type { JobNotifier, JobProgress, Requester } from "./notifier.ts";
export type { SentVideo } from "./settle.ts";

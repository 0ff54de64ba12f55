import type { JobExtras } from "./extras.ts";
import type { SettleOptions } from "./settle.ts";
import type { Clock } from "../clock.ts";
import type { Renderer, VideoFile } from "../comfy/mod.ts";
import type { Ledger } from "../ledger/mod.ts";
import type { Logger } from "../log.ts";
import type { VideoSettings } from "../pricing.ts";
import type { PhotoSource } from "../telegram/mod.ts";
import type { JobNotifier } from "./notifier.ts";
import type { JobMode, JobStore } from "./job.ts";

/** Predicts and learns render times (processing_stats.json). */
export interface TimeBook {
  predictSeconds(key: string): number;
  record(key: string, seconds: number): Promise<void>;
}

/** Collaborators of {@link JobRunner}. */
export interface JobRunnerDeps {
  /** Tells users and admins what becomes of their jobs (the bot implements it). */
  readonly notifier: JobNotifier;
  readonly renderer: Renderer;
  readonly photos: PhotoSource;
  readonly store: JobStore;
  readonly ledger: Ledger;
  readonly times: TimeBook;
  readonly clock: Clock;
  readonly log: Logger;
  readonly tokensPerVideo: number;
  readonly concurrency: number;
  readonly progressIntervalMs: number;
  readonly maxActivePerUser: number;
  readonly resubmits: number;
  /**
   * Makes the video fit Telegram's upload limit: the same file, or a new
   * one (the runner discards both).
   */
  readonly fitVideo?: (
    video: VideoFile,
    durationSeconds: number,
  ) => Promise<VideoFile>;
  /** Negative text sent with a user's motion prompt. */
  readonly negativePrompt?: string | undefined;
  /** FREE_VIDEOS_PER_DAY (0 or absent: off). */
  readonly freeVideosPerDay?: number;
  /** Told how every job ended (admin alerts count failures in a row). */
  readonly onJobEnd?: (end: JobEnd) => void;
  /** Retries of the capture after a sent video (lib/jobs/settle.ts). */
  readonly settle?: SettleOptions;
}

/** How a job ended, for {@link JobRunnerDeps.onJobEnd}. */
export interface JobEnd {
  readonly jobId: string;
  /** `done`, or the reason of a failure (cancels are not reported). */
  readonly outcome: "done" | "failed";
  readonly reason?: string;
}

/** A user's request for a video. */
export interface StartRequest extends JobExtras {
  /** A photo of a confirmed album: past the user's limit it waits queued. */
  readonly album?: boolean;
  readonly userId: number;
  readonly chatId: number;
  /** The user's language (a locale of lib/i18n/), kept with the job. */
  readonly locale: string;
  readonly fileId: string;
  readonly updateId?: number;
  readonly mode: JobMode;
  readonly settings: VideoSettings;
  /** The motion prompt, already cleaned; absent: the workflow's own. */
  readonly prompt?: string | undefined;
}

/** What became of a {@link StartRequest}. */
export type StartOutcome =
  | {
    readonly kind: "started";
    /**
     * Settles when the photo check ended (a job exists, or the user was
     * told why not); an update handler awaits it, so that an update is
     * not marked handled while its photo is still being checked.
     */
    readonly admitted?: Promise<void>;
  }
  | { readonly kind: "duplicate" }
  | {
    readonly kind: "insufficient";
    readonly needed: number;
    readonly balance: number;
  }
  | { readonly kind: "busy"; readonly limit: number }
  /** A refused file was sent lately: photos wait (`tell`: say so, once). */
  | {
    readonly kind: "cooldown";
    readonly seconds: number;
    readonly tell: boolean;
  };

/** What became of a cancel request. */
export type CancelOutcome = "cancelled" | "not_found" | "too_late";

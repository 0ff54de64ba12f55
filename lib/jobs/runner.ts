import { type Api, InputFile } from "grammy";
import { afterVideo } from "../bot/keyboards.ts";
import type { Clock } from "../clock.ts";
import { ComfyError, type Renderer } from "../comfy/mod.ts";
import { formatWait, type Locale, messages } from "../i18n/mod.ts";
import { InsufficientTokensError, type Ledger } from "../ledger/mod.ts";
import type { Logger } from "../log.ts";
import { detectImage } from "../media.ts";
import {
  priceOf,
  QUALITIES,
  settingsKey,
  type VideoSettings,
} from "../pricing.ts";
import { PhotoDownloadError, type PhotoSource } from "../telegram/files.ts";
import { ProgressReporter } from "./progress_reporter.ts";
import { FifoLimiter } from "./semaphore.ts";
import type { Job, JobMode, JobStore } from "./store.ts";

/** Predicts and learns render times (processing_stats.json). */
export interface TimeBook {
  predictSeconds(key: string): number;
  record(key: string, seconds: number): Promise<void>;
}

/** Collaborators of {@link JobRunner}. */
export interface JobRunnerDeps {
  readonly api: Api;
  readonly renderer: Renderer;
  readonly photos: PhotoSource;
  readonly store: JobStore;
  readonly ledger: Ledger;
  readonly times: TimeBook;
  readonly clock: Clock;
  readonly log: Logger;
  readonly botUsername: string;
  readonly tokensPerVideo: number;
  readonly concurrency: number;
  readonly progressIntervalMs: number;
  readonly maxActivePerUser?: number;
}

/** A user's request for a video. */
export interface StartRequest {
  readonly userId: number;
  readonly chatId: number;
  readonly locale: Locale;
  readonly fileId: string;
  readonly updateId?: number;
  readonly mode: JobMode;
  readonly settings: VideoSettings;
}

/** What became of a {@link StartRequest}. */
export type StartOutcome =
  | { readonly kind: "started"; readonly job: Job }
  | { readonly kind: "duplicate"; readonly job: Job }
  | {
    readonly kind: "insufficient";
    readonly needed: number;
    readonly balance: number;
  }
  | { readonly kind: "busy"; readonly limit: number };

/** Failures that are the user's photo, not the render server. */
class JobInputError extends Error {
  readonly reason: "photo" | "not_image" | "send";
  constructor(
    reason: "photo" | "not_image" | "send",
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "JobInputError";
    this.reason = reason;
  }
}

/**
 * Runs jobs: holds the price, downloads the photo, renders it, shows live
 * progress, sends the video, and only then spends the hold. Any failure
 * gives the hold back and tells the user why.
 */
export class JobRunner {
  readonly #deps: JobRunnerDeps;
  readonly #limiter: FifoLimiter;
  readonly #running = new Map<string, Promise<void>>();
  readonly #stop = new AbortController();

  constructor(deps: JobRunnerDeps) {
    this.#deps = deps;
    this.#limiter = new FifoLimiter(deps.concurrency);
  }

  /** Accepts a job and starts it in the background. */
  start(request: StartRequest): StartOutcome {
    const { store, ledger, clock } = this.#deps;
    if (request.updateId !== undefined) {
      const seen = store.byUpdate(request.updateId);
      if (seen !== undefined) return { kind: "duplicate", job: seen };
    }
    const limit = this.#deps.maxActivePerUser ?? 2;
    if (store.activeCount(request.userId) >= limit) {
      return { kind: "busy", limit };
    }
    const cost = priceOf(request.settings.duration, this.#deps.tokensPerVideo);
    let job: Job;
    try {
      job = store.create({
        id: `telegram_${request.userId}_${clock.now()}`,
        userId: request.userId,
        chatId: request.chatId,
        mode: request.mode,
        duration: request.settings.duration,
        quality: request.settings.quality,
        cost,
        fileId: request.fileId,
        updateId: request.updateId,
        locale: request.locale,
      });
    } catch (error) {
      if (!(error instanceof InsufficientTokensError)) throw error;
      const balance = ledger.account(request.userId)?.tokens ?? 0;
      return { kind: "insufficient", needed: cost, balance };
    }
    this.#launch(job);
    return { kind: "started", job };
  }

  /** Resolves when no job is running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#running.size > 0) {
      await Promise.allSettled([...this.#running.values()]);
    }
  }

  /** Number of jobs in progress in this process. */
  get active(): number {
    return this.#running.size;
  }

  /**
   * Stops taking new work: waits up to `graceMs` for running jobs, then
   * aborts the rest, which release their holds.
   */
  async stop(graceMs: number): Promise<void> {
    const timer = setTimeout(() => this.#stop.abort(), graceMs);
    try {
      await this.idle();
    } finally {
      clearTimeout(timer);
    }
  }

  #launch(job: Job): void {
    const run = this.#run(job).finally(() => this.#running.delete(job.id));
    this.#running.set(job.id, run);
  }

  async #run(job: Job): Promise<void> {
    const log = this.#deps.log.with({ job: job.id, user: job.userId });
    const t = messages(job.locale as Locale);
    const progress = new ProgressReporter({
      api: this.#deps.api,
      clock: this.#deps.clock,
      log,
      chatId: job.chatId,
      locale: job.locale as Locale,
      intervalMs: this.#deps.progressIntervalMs,
    });
    const signal = this.#stop.signal;
    try {
      const messageId = await progress.open(t.starting);
      if (messageId !== undefined) {
        this.#deps.store.advance(job.id, "queued", {
          progressMessageId: messageId,
        });
      }
      await this.#waitForSlot(job, progress, signal);
      try {
        await this.#render(job, progress, log, signal);
      } finally {
        this.#limiter.release();
      }
    } catch (error) {
      await this.#fail(job, error, progress, log);
    } finally {
      progress.close();
    }
  }

  async #waitForSlot(
    job: Job,
    progress: ProgressReporter,
    signal: AbortSignal,
  ) {
    const waiting = this.#limiter.acquire(job.id, signal);
    const position = this.#limiter.position(job.id);
    if (position > 0) {
      const t = messages(job.locale as Locale);
      const each = this.#deps.times.predictSeconds(settingsKey(job));
      const eta = formatWait(
        job.locale as Locale,
        each * position / Math.max(1, this.#deps.concurrency),
      );
      await progress.show(t.queued({ position, eta }));
    }
    await waiting;
  }

  async #render(
    job: Job,
    progress: ProgressReporter,
    log: Logger,
    signal: AbortSignal,
  ) {
    const { store, renderer, photos, clock, times } = this.#deps;
    store.advance(job.id, "submitted");
    const image = await photos.download(job.fileId, signal).catch((error) => {
      throw new JobInputError("photo", "Cannot download the photo", {
        cause: error,
      });
    });
    if (detectImage(image) === undefined) {
      throw new JobInputError(
        "not_image",
        "The file is not a JPEG, PNG or WebP image",
      );
    }
    const key = settingsKey(job);
    const started = clock.now();
    progress.startTicking(started, times.predictSeconds(key) * 1000);
    log.info("render started", { settings: key, bytes: image.length });
    const result = await renderer.render({
      clientId: job.id,
      image,
      durationSeconds: job.duration,
      sizePx: QUALITIES[job.quality],
      signal,
    });
    const seconds = (clock.now() - started) / 1000;
    progress.stopTicking();
    log.info("render finished", {
      via: result.via,
      seconds,
      bytes: result.video.length,
    });
    store.advance(job.id, "delivering");
    await progress.show(messages(job.locale as Locale).uploading);
    const videoFileId = await this.#deliver(job, result.video);
    const done = store.complete(job.id, {
      renderSeconds: seconds,
      ...(videoFileId ? { videoFileId } : {}),
    });
    log.info("job done", { cost: job.cost, state: done.state });
    await times.record(key, seconds).catch((error) =>
      log.warn("cannot save processing stats", { error })
    );
    const balance = this.#deps.ledger.account(job.userId)?.tokens ?? 0;
    await progress.show(
      messages(job.locale as Locale).doneNote({ cost: job.cost, balance }),
    );
  }

  async #deliver(job: Job, video: Uint8Array): Promise<string | undefined> {
    const { api, botUsername } = this.#deps;
    const t = messages(job.locale as Locale);
    await api.sendChatAction(job.chatId, "upload_video").catch(() => {});
    try {
      const message = await api.sendVideo(
        job.chatId,
        new InputFile(video, "video.mp4"),
        {
          caption: t.caption({
            duration: job.duration,
            quality: job.quality,
            link: `https://t.me/${botUsername}`,
          }),
          supports_streaming: true,
          duration: job.duration,
          reply_markup: afterVideo(t),
        },
      );
      return message.video?.file_id;
    } catch (error) {
      throw new JobInputError("send", "Telegram refused the video", {
        cause: error,
      });
    }
  }

  async #fail(
    job: Job,
    error: unknown,
    progress: ProgressReporter,
    log: Logger,
  ) {
    const cancelled = this.#stop.signal.aborted;
    const reason = reasonOf(error);
    log.error("job failed", { reason, error, cancelled });
    try {
      this.#deps.store.fail(
        job.id,
        `${reason}: ${String(error instanceof Error ? error.message : error)}`,
      );
    } catch (ledgerError) {
      log.error("cannot release the hold", { error: ledgerError });
      return;
    }
    const t = messages(job.locale as Locale);
    await progress.show(t.failed({ reason: t.reasons[reason] }), {
      fallbackToNew: true,
    });
  }
}

function reasonOf(
  error: unknown,
): keyof ReturnType<typeof messages>["reasons"] {
  if (error instanceof ComfyError) return error.kind;
  if (error instanceof JobInputError) return error.reason;
  if (error instanceof PhotoDownloadError) return "photo";
  return "internal";
}

import { type Api, InlineKeyboard, InputFile } from "grammy";
import { encodeCallback } from "../bot/callback_data.ts";
import { afterVideo } from "../bot/keyboards.ts";
import type { Clock } from "../clock.ts";
import type { Renderer, RenderResult } from "../comfy/mod.ts";
import { formatWait, type Locale, messages } from "../i18n/mod.ts";
import { InsufficientTokensError, type Ledger } from "../ledger/mod.ts";
import type { Logger } from "../log.ts";
import { checkDimensions, imageDimensions } from "../media.ts";
import {
  priceOf,
  QUALITIES,
  settingsKey,
  type VideoSettings,
} from "../pricing.ts";
import type { PhotoSource } from "../telegram/files.ts";
import { JobError, reasonOf } from "./errors.ts";
import { ProgressReporter } from "./progress_reporter.ts";
import { FifoLimiter } from "./semaphore.ts";
import {
  FINAL_STATES,
  type Job,
  type JobMode,
  type JobStore,
} from "./store.ts";

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
  readonly maxActivePerUser: number;
  readonly resubmits: number;
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
  | { readonly kind: "started" }
  | { readonly kind: "duplicate" }
  | {
    readonly kind: "insufficient";
    readonly needed: number;
    readonly balance: number;
  }
  | { readonly kind: "busy"; readonly limit: number };

/** What became of a cancel request. */
export type CancelOutcome = "cancelled" | "not_found" | "too_late";

// What one run of a job carries through its steps.
interface RunContext {
  readonly progress: ProgressReporter;
  readonly log: Logger;
  readonly signal: AbortSignal;
  readonly image?: Uint8Array | undefined;
}

// A request whose photo is being checked; no job or hold exists yet.
interface Admission {
  readonly request: StartRequest;
  readonly cost: number;
}

interface Running {
  readonly job: Job;
  readonly controller: AbortController;
  done: Promise<void>;
}

/**
 * Runs jobs: holds the price, downloads the photo, renders it, shows live
 * progress, sends the video, and only then spends the hold. A failure or a
 * cancel gives the hold back. A stop leaves unfinished jobs persisted; the
 * next start resumes them ({@link JobRunner.resume}).
 */
export class JobRunner {
  readonly #deps: JobRunnerDeps;
  readonly #limiter: FifoLimiter;
  readonly #running = new Map<string, Running>();
  readonly #admitting = new Set<Admission>();
  readonly #admissions = new Set<Promise<void>>();
  readonly #shutdown = new AbortController();

  constructor(deps: JobRunnerDeps) {
    this.#deps = deps;
    this.#limiter = new FifoLimiter(deps.concurrency);
  }

  /**
   * Admits a request and goes on in the background: the photo is downloaded
   * and checked first, and only a good photo becomes a job that holds its
   * price. A refused photo moves no token.
   */
  start(request: StartRequest): StartOutcome {
    const { store, ledger } = this.#deps;
    const pending = [...this.#admitting].filter((a) =>
      a.request.userId === request.userId
    );
    if (
      request.updateId !== undefined &&
      (store.byUpdate(request.updateId) !== undefined ||
        pending.some((a) => a.request.updateId === request.updateId))
    ) {
      return { kind: "duplicate" };
    }
    const limit = this.#deps.maxActivePerUser;
    if (store.activeCount(request.userId) + pending.length >= limit) {
      return { kind: "busy", limit };
    }
    const cost = priceOf(request.settings.duration, this.#deps.tokensPerVideo);
    const reserved = pending.reduce((sum, a) => sum + a.cost, 0);
    const balance = ledger.account(request.userId)?.tokens ?? 0;
    if (balance - reserved < cost) {
      return { kind: "insufficient", needed: cost, balance };
    }
    const admission = { request, cost };
    this.#admitting.add(admission);
    const done = this.#admit(admission)
      .catch((error) => this.#deps.log.error("admission failed", { error }))
      .finally(() => {
        this.#admitting.delete(admission);
        this.#admissions.delete(done);
      });
    this.#admissions.add(done);
    return { kind: "started" };
  }

  // Downloads and checks the photo, then creates the job with its hold.
  async #admit({ request, cost }: Admission): Promise<void> {
    const { store, ledger, clock, api } = this.#deps;
    const t = messages(request.locale);
    let image: Uint8Array;
    try {
      image = await this.#fetchPhoto(request.fileId, this.#shutdown.signal);
    } catch (error) {
      if (this.#shutdown.signal.aborted) return;
      const reason = reasonOf(error);
      this.#deps.log.info("photo refused", { user: request.userId, reason });
      await api.sendMessage(
        request.chatId,
        t.refused({ reason: t.reasons[reason] }),
      )
        .catch((e) =>
          this.#deps.log.warn("cannot tell the user", { error: e })
        );
      return;
    }
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
      // The same update admitted twice at once (a re-delivery during the
      // download): the database keeps one job per update.
      if (/UNIQUE constraint failed: jobs\.update_id/.test(String(error))) {
        this.#deps.log.info("duplicate update", { update: request.updateId });
        return;
      }
      if (!(error instanceof InsufficientTokensError)) throw error;
      const balance = ledger.account(request.userId)?.tokens ?? 0;
      await api.sendMessage(
        request.chatId,
        t.notEnough({ needed: cost, balance, admin: "" }),
      ).catch(() => {});
      return;
    }
    this.#launch(job, false, image);
  }

  // The photo's bytes, refused unless they are a usable JPEG, PNG or WebP.
  async #fetchPhoto(fileId: string, signal: AbortSignal): Promise<Uint8Array> {
    const image = await this.#deps.photos.download(fileId, signal).catch(
      (error) => {
        if (signal.aborted) throw error;
        throw new JobError("photo", "Cannot download the photo", {
          cause: error,
        });
      },
    );
    const size = imageDimensions(image);
    if (size === undefined) {
      throw new JobError("not_image", "Not a readable JPEG, PNG or WebP image");
    }
    const problem = checkDimensions(size);
    if (problem !== undefined) {
      throw new JobError(problem, `Image ${size.width}x${size.height}`);
    }
    return image;
  }

  /** Picks up every job a previous process left unfinished. */
  resume(): number {
    const jobs = this.#deps.store.unfinished()
      .filter((job) => !this.#running.has(job.id));
    for (const job of jobs) this.#launch(job, true);
    return jobs.length;
  }

  /**
   * Cancels a job of `userId`: the hold is given back at once and ComfyUI is
   * asked to drop or interrupt the render. A job already being sent is not.
   */
  cancel(jobId: string, userId: number): CancelOutcome {
    const { store, renderer, log } = this.#deps;
    const job = store.get(jobId);
    if (job === undefined || job.userId !== userId) return "not_found";
    if (FINAL_STATES.has(job.state)) return "not_found";
    if (job.state === "delivering") return "too_late";
    store.fail(jobId, "cancelled by the user", "cancelled");
    this.#running.get(jobId)?.controller.abort(new JobError("cancelled"));
    if (job.state !== "queued") {
      renderer.cancel(jobId).catch((error) =>
        log.warn("cannot cancel in ComfyUI", { job: jobId, error })
      );
    }
    return "cancelled";
  }

  /** Resolves when no job is running or being admitted (tests, shutdown). */
  async idle(): Promise<void> {
    for (
      let round = 0;
      round < 1000 && (this.#running.size > 0 || this.#admissions.size > 0);
      round++
    ) {
      await Promise.allSettled([
        ...this.#admissions,
        ...[...this.#running.values()].map((r) => r.done),
      ]);
    }
  }

  /** Number of jobs in progress in this process. */
  get active(): number {
    return this.#running.size;
  }

  /**
   * Stops: renders in progress are let go (ComfyUI keeps them and the next
   * start picks them up); videos being sent get up to `graceMs` to finish.
   */
  async stop(graceMs: number): Promise<void> {
    this.#shutdown.abort(new JobError("shutdown"));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    try {
      await Promise.race([this.idle(), grace]);
    } finally {
      clearTimeout(timer);
    }
  }

  #launch(job: Job, resumed: boolean, image?: Uint8Array): void {
    const controller = new AbortController();
    const entry: Running = { job, controller, done: Promise.resolve() };
    this.#running.set(job.id, entry);
    entry.done = this.#run(job, resumed, controller.signal, image)
      .finally(() => this.#running.delete(job.id));
  }

  async #run(
    job: Job,
    resumed: boolean,
    cancel: AbortSignal,
    image?: Uint8Array,
  ): Promise<void> {
    const log = this.#deps.log.with({ job: job.id, user: job.userId });
    const progress = this.#reporter(job, log);
    const signal = AbortSignal.any([cancel, this.#shutdown.signal]);
    try {
      await this.#announce(job, progress, resumed);
      const result = await this.#withSlot(
        job,
        progress,
        signal,
        () => this.#obtain(job, resumed, { progress, log, signal, image }),
      );
      await this.#finish(job, result, progress, log);
    } catch (error) {
      await this.#handleFailure(job, error, progress, log, cancel);
    } finally {
      progress.close();
    }
  }

  #reporter(job: Job, log: Logger): ProgressReporter {
    const t = messages(job.locale as Locale);
    return new ProgressReporter({
      api: this.#deps.api,
      clock: this.#deps.clock,
      log,
      chatId: job.chatId,
      locale: job.locale as Locale,
      intervalMs: this.#deps.progressIntervalMs,
      messageId: job.progressMessageId,
      keyboard: new InlineKeyboard().text(
        t.buttons.cancel,
        encodeCallback({ kind: "job", action: "cancel", jobId: job.id }),
      ),
    });
  }

  async #announce(job: Job, progress: ProgressReporter, resumed: boolean) {
    const t = messages(job.locale as Locale);
    if (resumed) {
      await progress.show(t.resumed, { fallbackToNew: true });
    } else {
      await progress.open(t.starting);
    }
    const messageId = progress.messageId;
    if (messageId !== undefined && messageId !== job.progressMessageId) {
      this.#deps.store.remember(job.id, { progressMessageId: messageId });
    }
  }

  // Waits for a ComfyUI slot (showing the queue position), runs `fn` in it.
  async #withSlot<T>(
    job: Job,
    progress: ProgressReporter,
    signal: AbortSignal,
    fn: () => Promise<T>,
  ): Promise<T> {
    const waiting = this.#limiter.acquire(job.id, signal);
    let acquired = false;
    waiting.then(() => acquired = true, () => {});
    const { clock, progressIntervalMs } = this.#deps;
    for (
      let round = 0;
      !acquired && round < 86_400_000 / progressIntervalMs;
      round++
    ) {
      const position = this.#limiter.position(job.id);
      if (position > 0) await progress.show(this.#queueText(job, position));
      await Promise.race([
        waiting,
        clock.sleep(progressIntervalMs, signal).catch(() => {}),
      ]);
    }
    await waiting;
    try {
      return await fn();
    } finally {
      this.#limiter.release(job.id);
    }
  }

  #queueText(job: Job, position: number): string {
    const t = messages(job.locale as Locale);
    const ahead = this.#limiter.ahead(job.id)
      .map((id) => this.#running.get(id)?.job ?? job);
    const seconds = [...ahead, job]
      .map((j) => this.#deps.times.predictSeconds(settingsKey(j)))
      .reduce((a, b) => a + b, 0) / Math.max(1, this.#deps.concurrency);
    return t.queued({
      position,
      eta: formatWait(job.locale as Locale, seconds),
    });
  }

  // The video of the job: found again after a restart, or rendered afresh.
  async #obtain(
    job: Job,
    resumed: boolean,
    run: RunContext,
  ): Promise<RenderResult & { seconds?: number }> {
    const { store, renderer } = this.#deps;
    const { log, signal } = run;
    if (resumed && job.state !== "queued") {
      const found = await renderer.recover({ clientId: job.id, signal });
      if (found !== "lost") return found;
      if (job.attempts >= this.#deps.resubmits) {
        throw new JobError("lost", "ComfyUI no longer knows the job");
      }
      store.countAttempt(job.id);
      log.warn("ComfyUI lost the job; submitting it again");
    }
    return await this.#render(job, run);
  }

  async #render(
    job: Job,
    run: RunContext,
  ): Promise<RenderResult & { seconds: number }> {
    const { store, renderer, clock, times } = this.#deps;
    const { progress, log, signal } = run;
    // A resumed job fetches its photo again (Telegram keeps it by file_id).
    const image = run.image ?? await this.#fetchPhoto(job.fileId, signal);
    // Persisted before the request leaves, so a restart knows to look for it.
    store.advance(job.id, "submitted");
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
    progress.stopTicking();
    return { ...result, seconds: (clock.now() - started) / 1000 };
  }

  async #finish(
    job: Job,
    result: RenderResult & { seconds?: number },
    progress: ProgressReporter,
    log: Logger,
  ): Promise<void> {
    const { store, times, ledger } = this.#deps;
    const t = messages(job.locale as Locale);
    log.info("render finished", {
      via: result.via,
      seconds: result.seconds,
      bytes: result.video.length,
    });
    store.advance(job.id, "delivering");
    progress.setKeyboard(undefined);
    await progress.show(t.uploading);
    const videoFileId = await this.#deliver(job, result.video);
    const seconds = result.seconds;
    const done = store.complete(job.id, {
      renderSeconds: seconds ?? 0,
      ...(videoFileId ? { videoFileId } : {}),
    });
    log.info("job done", { cost: job.cost, state: done.state });
    if (seconds !== undefined) {
      await times.record(settingsKey(job), seconds).catch((error) =>
        log.warn("cannot save processing stats", { error })
      );
    }
    const balance = ledger.account(job.userId)?.tokens ?? 0;
    await progress.show(t.doneNote({ cost: job.cost, balance }));
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
      throw new JobError("send", "Telegram refused the video", {
        cause: error,
      });
    }
  }

  async #handleFailure(
    job: Job,
    error: unknown,
    progress: ProgressReporter,
    log: Logger,
    cancel: AbortSignal,
  ): Promise<void> {
    const t = messages(job.locale as Locale);
    progress.setKeyboard(undefined);
    if (cancel.aborted) {
      log.info("job cancelled by the user");
      await progress.show(t.cancelled({ cost: job.cost }), {
        fallbackToNew: true,
      });
      return;
    }
    if (this.#shutdown.signal.aborted) {
      log.info("job left for the next start", {
        state: this.#deps.store.get(job.id)?.state,
      });
      await progress.show(t.paused);
      return;
    }
    const reason = reasonOf(error);
    log.error("job failed", { reason, error });
    try {
      this.#deps.store.fail(
        job.id,
        `${reason}: ${error instanceof Error ? error.message : String(error)}`,
      );
    } catch (ledgerError) {
      log.error("cannot release the hold", { error: ledgerError });
      return;
    }
    await progress.show(t.failed({ reason: t.reasons[reason] }), {
      fallbackToNew: true,
    });
  }
}

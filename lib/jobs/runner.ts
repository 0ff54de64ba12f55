import type { RenderProgress, RenderResult, VideoFile } from "../comfy/mod.ts";
import type { Logger } from "../log.ts";
import { QUALITIES, settingsKey } from "../pricing.ts";
import { JobError } from "./errors.ts";
import { fetchCheckedPhoto } from "./photo_check.ts";
import type { JobProgress } from "./notifier.ts";
import { Admissions } from "./admission.ts";
import { settleSent } from "./settle.ts";
import { handleFailure } from "./failure.ts";
import { JobQueue } from "./queue.ts";
import { FINAL_STATES, type Job } from "./job.ts";
import type {
  CancelOutcome,
  JobRunnerDeps,
  StartOutcome,
  StartRequest,
} from "./types.ts";

export type {
  CancelOutcome,
  JobRunnerDeps,
  StartOutcome,
  StartRequest,
  TimeBook,
} from "./types.ts";

// What one run of a job carries through its steps.
interface RunContext {
  readonly progress: JobProgress;
  readonly log: Logger;
  readonly signal: AbortSignal;
  readonly image?: Uint8Array | undefined;
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
  readonly #queue: JobQueue;
  readonly #running = new Map<string, Running>();
  readonly #admissions: Admissions;
  readonly #shutdown = new AbortController();

  constructor(deps: JobRunnerDeps) {
    this.#deps = deps;
    this.#admissions = new Admissions(
      deps,
      this.#shutdown.signal,
      (job, image) => this.#launch(job, false, image),
    );
    this.#queue = new JobQueue({
      concurrency: deps.concurrency,
      clock: deps.clock,
      intervalMs: deps.progressIntervalMs,
      predictSeconds: (key) => deps.times.predictSeconds(key),
      jobOf: (id) => this.#running.get(id)?.job,
    });
  }

  /**
   * Admits a request; the photo is checked in the background and a good
   * one becomes a job ({@link Admissions}) that this runner then runs.
   */
  start(request: StartRequest): Promise<StartOutcome> {
    return this.#admissions.start(request);
  }

  /** Picks up every job a previous process left unfinished. */
  async resume(): Promise<number> {
    const jobs = (await this.#deps.store.unfinished())
      .filter((job) => !this.#running.has(job.id));
    for (const job of jobs) this.#launch(job, true);
    return jobs.length;
  }

  /**
   * Cancels a job of `userId`: the hold is given back at once and ComfyUI is
   * asked to drop or interrupt the render. A job already being sent is not.
   */
  async cancel(jobId: string, userId: number): Promise<CancelOutcome> {
    const { store, renderer, log } = this.#deps;
    const job = await store.get(jobId);
    if (job === undefined || job.userId !== userId) return "not_found";
    if (FINAL_STATES.has(job.state)) return "not_found";
    if (job.state === "delivering") return "too_late";
    // The store refuses to cancel a job that reached `delivering` since
    // the read above: the state is checked again inside its transaction.
    const after = await store.fail(jobId, "cancelled by the user", "cancelled");
    if (after.state === "delivering") return "too_late";
    if (after.state !== "cancelled") return "not_found";
    this.#running.get(jobId)?.controller.abort(new JobError("cancelled"));
    if (job.state !== "queued") {
      renderer.cancel(jobId, job.promptId).catch((error) =>
        log.warn("cannot cancel in ComfyUI", { job: jobId, error })
      );
    }
    return "cancelled";
  }

  /** Resolves when no job is running or being admitted (tests, shutdown). */
  async idle(): Promise<void> {
    for (
      let round = 0;
      round < 1000 && (this.#running.size > 0 || this.#admissions.pending > 0);
      round++
    ) {
      await Promise.allSettled([
        this.#admissions.settled(),
        ...[...this.#running.values()].map((r) => r.done),
      ]);
    }
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
    const progress = this.#deps.notifier.progress(job, log);
    const signal = AbortSignal.any([cancel, this.#shutdown.signal]);
    let result: (RenderResult & { seconds?: number }) | undefined;
    try {
      if (resumed && job.videoMessageId !== undefined) {
        // Sent before the last stop, not captured: never sent again.
        log.info("completing a job whose video was sent");
        const done = await settleSent(this.#deps, job, {
          renderSeconds: 0,
          signal: this.#shutdown.signal,
        });
        await this.#done(done, undefined, progress, log);
        return;
      }
      await this.#announce(job, progress, resumed);
      // A job that has to wait in line lets its photo go and fetches it
      // again by file_id at its turn: a long queue holds no photos (up to
      // 20 MB each) in memory. Checked in the same step as run() takes a
      // free slot.
      const photo = this.#queue.full ? undefined : image;
      result = await this.#queue.run(
        job,
        progress,
        signal,
        () =>
          this.#obtain(job, resumed, { progress, log, signal, image: photo }),
      );
      await this.#finish(job, result, progress, log);
    } catch (error) {
      await handleFailure(this.#deps, {
        job,
        error,
        progress,
        log,
        cancelled: cancel.aborted,
        stopping: this.#shutdown.signal.aborted,
      });
    } finally {
      progress.close();
      // Delivered, refused or cancelled: the spool keeps nothing. (After a
      // shutdown the next start renders or recovers it again.)
      await result?.file.discard();
    }
  }

  async #announce(job: Job, progress: JobProgress, resumed: boolean) {
    if (resumed) {
      await progress.resumed();
    } else {
      await progress.starting();
    }
    const messageId = progress.messageId;
    if (messageId !== undefined && messageId !== job.progressMessageId) {
      await this.#deps.store.remember(job.id, { progressMessageId: messageId });
    }
  }

  // The video of the job: found again after a restart, or rendered afresh.
  async #obtain(
    job: Job,
    resumed: boolean,
    run: RunContext,
  ): Promise<RenderResult & { seconds?: number }> {
    const { store, renderer, clock, times } = this.#deps;
    const { log, signal, progress } = run;
    if (resumed && job.state !== "queued") {
      progress.startTicking(
        clock.now(),
        times.predictSeconds(settingsKey(job)) * 1000,
      );
      const found = await renderer.recover({
        clientId: job.id,
        ...(job.promptId ? { promptId: job.promptId } : {}),
        signal,
        onProgress: this.#observer(job, progress),
      });
      progress.stopTicking();
      if (found !== "lost") return found;
      if (job.attempts >= this.#deps.resubmits) {
        throw new JobError("lost", "ComfyUI no longer knows the job");
      }
      await store.countAttempt(job.id);
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
    const image = run.image ??
      await fetchCheckedPhoto(this.#deps.photos, job.fileId, signal);
    // Chosen and persisted before the request leaves, so that a restart
    // can ask ComfyUI about exactly this prompt.
    const promptId = job.promptId ?? crypto.randomUUID();
    await store.advance(job.id, "submitted", { promptId });
    const key = settingsKey(job);
    const started = clock.now();
    progress.startTicking(started, times.predictSeconds(key) * 1000);
    log.info("render started", { settings: key, bytes: image.length });
    const result = await renderer.render({
      clientId: job.id,
      image,
      durationSeconds: job.duration,
      sizePx: QUALITIES[job.quality],
      ...(job.aspect ? { aspect: job.aspect } : {}),
      ...(job.prompt !== undefined
        ? { prompt: job.prompt, negative: this.#deps.negativePrompt }
        : {}),
      promptId,
      signal,
      onProgress: this.#observer(job, progress),
    });
    progress.stopTicking();
    return { ...result, seconds: (clock.now() - started) / 1000 };
  }

  // Shows the server's progress and records when the render really starts.
  #observer(
    job: Job,
    progress: JobProgress,
  ): (p: RenderProgress) => void {
    let running = false;
    return (p) => {
      progress.observe(p);
      if (p.running && !running) {
        running = true;
        // Not awaited (progress callbacks are synchronous); the store
        // moves a job to `running` only from queued or submitted, so a
        // late write cannot take a delivering job back.
        this.#deps.store.advance(job.id, "running").catch((error) =>
          this.#deps.log.warn("cannot record the running state", { error })
        );
      }
    };
  }

  async #finish(
    job: Job,
    result: RenderResult & { seconds?: number },
    progress: JobProgress,
    log: Logger,
  ): Promise<void> {
    log.info("render finished", {
      via: result.via,
      seconds: result.seconds,
      bytes: result.file.size,
    });
    const video = this.#deps.fitVideo
      ? await this.#deps.fitVideo(result.file, job.duration)
      : result.file;
    try {
      await this.#deliver(job, result, video, progress, log);
    } finally {
      if (video !== result.file) await video.discard();
    }
  }

  async #deliver(
    job: Job,
    result: RenderResult & { seconds?: number },
    video: VideoFile,
    progress: JobProgress,
    log: Logger,
  ): Promise<void> {
    const { store } = this.#deps;
    await store.advance(job.id, "delivering");
    // A cancel that came in while the render was finishing has refunded
    // the job already: then nothing is sent. (From `delivering` on, the
    // store refuses a cancel.)
    if ((await store.get(job.id))?.state !== "delivering") {
      throw new JobError("cancelled", "Cancelled before delivery");
    }
    // The video goes at once: no status edit takes the chat's turn first
    // (Telegram paces each chat), the chat action shows the upload.
    progress.dropCancel();
    const sent = await this.#deps.notifier.video(
      job,
      video,
      result.preview === true,
    );
    // From here the video is the user's: the job is captured, never
    // refunded, however long the database refuses the write.
    const done = await settleSent(this.#deps, job, {
      sent,
      renderSeconds: result.seconds ?? 0,
      signal: this.#shutdown.signal,
    });
    await this.#done(done, result.seconds, progress, log);
  }

  // A captured job: statistics and the final status line.
  async #done(
    job: Job,
    seconds: number | undefined,
    progress: JobProgress,
    log: Logger,
  ): Promise<void> {
    const { times, ledger } = this.#deps;
    log.info("job done", { cost: job.cost, state: job.state });
    this.#deps.onJobEnd?.({ jobId: job.id, outcome: "done" });
    if (seconds !== undefined) {
      await times.record(settingsKey(job), seconds).catch((error) =>
        log.warn("cannot save processing stats", { error })
      );
    }
    const balance = (await ledger.account(job.userId))?.tokens ?? 0;
    await progress.done(job, balance);
  }
}

import { InsufficientTokensError } from "../ledger/mod.ts";
import { priceOf } from "../pricing.ts";
import { reasonOf } from "./errors.ts";
import { RefusalCooldown, sendersFault } from "./cooldown.ts";
import { FREE_DURATION } from "./free.ts";
import { fetchCheckedPhoto } from "./photo_check.ts";
import { DuplicateJobError, type Job, JobLimitError } from "./job.ts";
import type { JobRunnerDeps, StartOutcome, StartRequest } from "./types.ts";

/** Jobs an album may queue beyond MAX_ACTIVE_JOBS_PER_USER (Telegram's 10). */
export const ALBUM_ALLOWANCE = 10;

// A request whose photo is being checked; no job or hold exists yet.
interface Admission {
  readonly request: StartRequest;
  readonly cost: number;
  /** Expected to be the free video of the day (no balance needed). */
  readonly free: boolean;
}

/**
 * From a photo to a job: refuses duplicates, users over their limit or
 * balance, and files that are not usable images, all before any token
 * moves; a good photo becomes a job that holds its price.
 */
export class Admissions {
  readonly #deps: JobRunnerDeps;
  readonly #stop: AbortSignal;
  readonly #onJob: (job: Job, image: Uint8Array) => void;
  readonly #checking = new Set<Admission>();
  readonly #tasks = new Set<Promise<void>>();
  readonly #cooldown: RefusalCooldown;
  // Admission checks run one at a time: each reads the store, then counts
  // itself in #checking before the next one reads (the check-then-act the
  // synchronous store used to give for free).
  #gate: Promise<unknown> = Promise.resolve();

  constructor(
    deps: JobRunnerDeps,
    stop: AbortSignal,
    onJob: (job: Job, image: Uint8Array) => void,
  ) {
    this.#deps = deps;
    this.#stop = stop;
    this.#onJob = onJob;
    this.#cooldown = new RefusalCooldown(() => deps.clock.now());
  }

  /** Photos being checked right now. */
  get pending(): number {
    return this.#tasks.size;
  }

  /** Resolves when every check under way has ended. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.#tasks]);
  }

  /**
   * Admits a request and goes on in the background: the photo is downloaded
   * and checked first, and only a good photo becomes a job that holds its
   * price. A refused photo moves no token.
   */
  start(request: StartRequest): Promise<StartOutcome> {
    const turn = this.#gate.then(() => this.#check(request));
    this.#gate = turn.catch(() => {});
    return turn;
  }

  async #check(request: StartRequest): Promise<StartOutcome> {
    const { store, ledger } = this.#deps;
    const pending = [...this.#checking].filter((a) =>
      a.request.userId === request.userId
    );
    if (
      request.updateId !== undefined &&
      ((await store.byUpdate(request.updateId)) !== undefined ||
        pending.some((a) => a.request.updateId === request.updateId))
    ) {
      return { kind: "duplicate" };
    }
    // Before anything is downloaded: a refused file costs its sender time.
    const wait = this.#cooldown.wait(request.userId);
    if (wait !== undefined) return { kind: "cooldown", ...wait };
    const limit = this.#deps.maxActivePerUser;
    // A confirmed album's photos queue past the limit, by one album at most.
    const cap = request.album ? limit + ALBUM_ALLOWANCE : limit;
    if ((await store.activeCount(request.userId)) + pending.length >= cap) {
      return { kind: "busy", limit };
    }
    const cost = priceOf(request.settings.duration, this.#deps.tokensPerVideo);
    const reserved = pending.reduce((sum, a) => sum + (a.free ? 0 : a.cost), 0);
    const balance = (await ledger.account(request.userId))?.tokens ?? 0;
    const free = request.settings.duration === FREE_DURATION &&
      (await store.freeLeft(request.userId, this.#deps.freeVideosPerDay ?? 0)) >
        pending.filter((a) => a.free).length;
    if (!free && balance - reserved < cost) {
      return { kind: "insufficient", needed: cost, balance };
    }
    const admission = { request, cost, free };
    this.#checking.add(admission);
    const done = this.#admit(admission)
      .catch((error) => this.#deps.log.error("admission failed", { error }))
      .finally(() => {
        this.#checking.delete(admission);
        this.#tasks.delete(done);
      });
    this.#tasks.add(done);
    return { kind: "started", admitted: done };
  }

  // Downloads and checks the photo, then creates the job with its hold.
  async #admit({ request, cost }: Admission): Promise<void> {
    const { store, ledger, notifier } = this.#deps;
    let image: Uint8Array;
    try {
      image = await fetchCheckedPhoto(
        this.#deps.photos,
        request.fileId,
        this.#stop,
      );
    } catch (error) {
      if (this.#stop.aborted) return;
      const reason = reasonOf(error);
      if (sendersFault(error)) this.#cooldown.refused(request.userId);
      this.#deps.log.info("photo refused", { user: request.userId, reason });
      await notifier.refused(request, reason);
      return;
    }
    let job: Job;
    try {
      job = await store.create({
        id: await this.#newJobId(request.userId),
        userId: request.userId,
        chatId: request.chatId,
        mode: request.mode,
        duration: request.settings.duration,
        quality: request.settings.quality,
        cost,
        fileId: request.fileId,
        updateId: request.updateId,
        locale: request.locale,
        prompt: request.prompt,
        aspect: request.aspect,
        videoChatId: request.videoChatId,
        replyTo: request.replyTo,
        freePerDay: this.#deps.freeVideosPerDay,
        maxActive: request.album
          ? this.#deps.maxActivePerUser + ALBUM_ALLOWANCE
          : this.#deps.maxActivePerUser,
      });
    } catch (error) {
      // The same update admitted twice at once (a re-delivery during the
      // download): the database keeps one job per update.
      if (error instanceof DuplicateJobError) {
        this.#deps.log.info("duplicate update", { update: request.updateId });
        return;
      }
      if (error instanceof JobLimitError) {
        // Only when a second instance admitted a job of this user at once.
        this.#deps.log.info("over the job limit", { user: request.userId });
        return;
      }
      if (!(error instanceof InsufficientTokensError)) throw error;
      const balance = (await ledger.account(request.userId))?.tokens ?? 0;
      await notifier.notEnough(request, { needed: cost, balance });
      return;
    }
    this.#cooldown.accepted(request.userId);
    this.#onJob(job, image);
  }

  // The old bot's client id, `telegram_<user>_<ms>`, made unique even for
  // two photos of one user admitted in the same millisecond.
  async #newJobId(userId: number): Promise<string> {
    let ms = this.#deps.clock.now();
    for (
      let i = 0;
      i < 1000 && await this.#deps.store.get(`telegram_${userId}_${ms}`);
      i++
    ) {
      ms++;
    }
    return `telegram_${userId}_${ms}`;
  }
}

/**
 * The `/history` side of the ComfyUI-Connect backend: Connect never says
 * which prompt it queued, so a job is found by its input file name in
 * `/history` (and `/queue`), and its video fetched through `/view`. Every
 * call has its own timeout, and a lookup after an empty answer has a
 * deadline: a ComfyUI that stalls cannot hold a job (and its tokens).
 *
 * @module
 */

import type { Clock } from "../../clock.ts";
import {
  ComfyJobError,
  ComfyOutputError,
  ComfyTimeoutError,
} from "../errors.ts";
import {
  findByInput,
  findInQueue,
  type HistoryEntry,
  type QueuedPrompt,
} from "../history.ts";
import type { ComfyHttp } from "../http.ts";
import type { VideoFile, VideoSpool } from "../spool.ts";

/** Options of {@link HistoryLookup}. */
export interface HistoryLookupOptions {
  readonly http: ComfyHttp;
  readonly clock: Clock;
  readonly spool: VideoSpool;
  /** Between two checks. */
  readonly intervalMs: number;
  /** Checks after an empty answer; with the interval, the deadline. */
  readonly attempts: number;
  /** Each `/history`, `/queue` and `/view` call. */
  readonly requestTimeoutMs: number;
}

/** Finds Connect jobs in ComfyUI's history and downloads their videos. */
export class HistoryLookup {
  readonly #o: HistoryLookupOptions;

  constructor(options: HistoryLookupOptions) {
    this.#o = options;
  }

  /** The fallback's deadline: interval × attempts. */
  get deadlineMs(): number {
    return this.#o.intervalMs * this.#o.attempts;
  }

  /**
   * The video of a job whose Connect answer had none: checks at once (the
   * prompt is usually finished already), then every interval, until the
   * deadline; then a {@link ComfyTimeoutError}.
   */
  async video(
    name: string,
    signal: AbortSignal | undefined,
  ): Promise<VideoFile> {
    const deadline = AbortSignal.timeout(this.deadlineMs);
    const within = signal ? AbortSignal.any([signal, deadline]) : deadline;
    const seconds = this.deadlineMs / 1000;
    try {
      for (let attempt = 0; attempt < this.#o.attempts; attempt++) {
        if (attempt > 0) await this.#o.clock.sleep(this.#o.intervalMs, within);
        const entry = await this.#tryEntry(name, within);
        if (entry !== undefined) return await this.download(entry, within);
      }
    } catch (error) {
      if (!deadline.aborted || signal?.aborted) throw error;
    }
    throw new ComfyTimeoutError(
      `No result for "${name}" in ComfyUI's history within ${seconds} s`,
    );
  }

  // One check; a call that timed out counts as "not yet".
  async #tryEntry(
    name: string,
    signal: AbortSignal,
  ): Promise<HistoryEntry | undefined> {
    try {
      return await this.entry(name, signal);
    } catch (error) {
      if (error instanceof ComfyTimeoutError && !signal.aborted) {
        return undefined;
      }
      throw error;
    }
  }

  /**
   * The finished entry with a video, undefined while there is none yet;
   * throws when ComfyUI recorded a failure or finished without a video.
   */
  async entry(
    name: string,
    signal: AbortSignal | undefined,
  ): Promise<HistoryEntry | undefined> {
    const path = "/history?max_items=256";
    const history = await this.#timed(
      path,
      signal,
      (s) => this.#o.http.getJson(path, s),
    );
    const entry = findByInput(history, name);
    if (entry?.error !== undefined) {
      throw new ComfyJobError(
        `The workflow failed in ComfyUI: ${entry.error}`,
        entry.promptId,
      );
    }
    if (entry?.video !== undefined) return entry;
    if (entry?.completed) {
      throw new ComfyOutputError(
        `ComfyUI finished prompt "${entry.promptId}" without a video output`,
      );
    }
    return undefined;
  }

  /** Where the job with input `name` stands in `/queue`, if there. */
  async queued(
    name: string,
    signal: AbortSignal | undefined,
  ): Promise<QueuedPrompt | undefined> {
    const queue = await this.#timed(
      "/queue",
      signal,
      (s) => this.#o.http.getJson("/queue", s),
    );
    return findInQueue(queue, name);
  }

  /** Streams the entry's video from `/view` into the spool. */
  download(
    entry: HistoryEntry,
    signal: AbortSignal | undefined,
  ): Promise<VideoFile> {
    const file = entry.video;
    if (file === undefined) {
      throw new ComfyOutputError(`Prompt "${entry.promptId}" has no video`);
    }
    return this.#timed(
      "/view",
      signal,
      (s) => this.#o.http.download(file, this.#o.spool, s),
    );
  }

  // Runs one call with its own timeout, reported as ComfyTimeoutError.
  async #timed<T>(
    path: string,
    signal: AbortSignal | undefined,
    call: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const timeout = AbortSignal.timeout(this.#o.requestTimeoutMs);
    try {
      return await call(signal ? AbortSignal.any([signal, timeout]) : timeout);
    } catch (error) {
      if (!timeout.aborted || signal?.aborted) throw error;
      throw new ComfyTimeoutError(
        `ComfyUI did not answer "${path}" within ${
          this.#o.requestTimeoutMs / 1000
        } s`,
      );
    }
  }
}

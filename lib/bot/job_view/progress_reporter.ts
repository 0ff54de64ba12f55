import type { Api, InlineKeyboard } from "grammy";
import type { Clock } from "../../clock.ts";
import type { RenderProgress } from "../../comfy/mod.ts";
import { formatWait, type Locale, messages } from "../../i18n/mod.ts";
import type { Logger } from "../../log.ts";
import {
  blendProgress,
  estimateProgress,
  type ObservedProgress,
  renderBar,
  spinnerFrame,
} from "../../progress.ts";

/** What a render server says about a job. */
export type ServerProgress = RenderProgress;

/** Options of {@link ProgressReporter}. */
export interface ProgressReporterOptions {
  readonly api: Api;
  readonly clock: Clock;
  readonly log: Logger;
  readonly chatId: number;
  readonly locale: Locale;
  readonly intervalMs: number;
  /** The message of an earlier run of the job (after a restart). */
  readonly messageId?: number | undefined;
  /** Put before every text (the preview backend's "not AI" tag). */
  readonly prefix?: string | undefined;
  /** Buttons shown under the message until {@link setKeyboard} changes them. */
  readonly keyboard?: InlineKeyboard | undefined;
  /**
   * No bar edit when the render is predicted to end this soon: Telegram
   * paces each chat, and an edit just before the end would make the
   * finished video wait for the chat's next turn. Default 0 (off).
   */
  readonly quietBeforeEndMs?: number | undefined;
}

// What one tick shows, and whether it may be skipped to keep the chat free.
interface Frame {
  readonly text: string;
  readonly remainingMs: number;
}

/**
 * One progress message per job, edited in place: the spinner, the bar and
 * the remaining time while the render runs, then the outcome. It never
 * sends the same text twice (Telegram refuses "message is not modified")
 * and a failed edit never fails the job.
 */
export class ProgressReporter {
  readonly #o: ProgressReporterOptions;
  #messageId: number | undefined;
  #keyboard: InlineKeyboard | undefined;
  #lastShown = "";
  #observed: ServerProgress | undefined;
  #runningSince: number | undefined;
  #ticker: AbortController | undefined;
  #tickLoop: Promise<void> | undefined;
  // Edits are chained so that a tick never overtakes a later final text.
  #queue: Promise<void> = Promise.resolve();

  constructor(options: ProgressReporterOptions) {
    this.#o = options;
    this.#messageId = options.messageId;
    this.#keyboard = options.keyboard;
  }

  /** The progress message, once sent. */
  get messageId(): number | undefined {
    return this.#messageId;
  }

  /** Changes the buttons for the following texts (undefined: none). */
  setKeyboard(keyboard: InlineKeyboard | undefined): void {
    this.#keyboard = keyboard;
  }

  /** Sends the message; returns its id, or undefined if Telegram refused. */
  async open(message: string): Promise<number | undefined> {
    const text = (this.#o.prefix ?? "") + message;
    try {
      const message = await this.#o.api.sendMessage(this.#o.chatId, text, {
        ...this.#markup(),
      });
      this.#messageId = message.message_id;
      this.#lastShown = this.#fingerprint(text);
    } catch (error) {
      this.#o.log.warn("cannot send the progress message", { error });
    }
    return this.#messageId;
  }

  /** Replaces the text; with `fallbackToNew`, sends it anew if editing fails. */
  show(text: string, options: { fallbackToNew?: boolean } = {}): Promise<void> {
    this.#queue = this.#queue.then(() => this.#edit(text, options));
    return this.#queue;
  }

  /** Starts editing the bar every interval from `startedAt` to the prediction. */
  startTicking(startedAt: number, predictedMs: number): void {
    this.stopTicking();
    const controller = new AbortController();
    this.#ticker = controller;
    this.#tickLoop = this.#tick(startedAt, predictedMs, controller.signal);
  }

  /** Real progress from the server; the bar follows it from now on. */
  observe(progress: ServerProgress): void {
    if (progress.running && this.#runningSince === undefined) {
      this.#runningSince = this.#o.clock.now();
    }
    this.#observed = progress;
  }

  /** Stops the bar. */
  stopTicking(): void {
    this.#ticker?.abort();
    this.#ticker = undefined;
  }

  /** Stops everything; pending edits still finish. */
  close(): void {
    this.stopTicking();
  }

  /** The text a tick shows at `now` (exposed for tests). */
  render(tick: number, elapsedMs: number, predictedMs: number): string {
    return this.#frame(tick, elapsedMs, predictedMs).text;
  }

  #frame(tick: number, elapsedMs: number, predictedMs: number): Frame {
    const t = messages(this.#o.locale);
    const observed = this.#observed;
    if (observed && !observed.running && (observed.queueAhead ?? 0) > 0) {
      const ahead = observed.queueAhead ?? 0;
      const text = t.queued({
        position: ahead + 1,
        eta: formatWait(this.#o.locale, (ahead + 1) * predictedMs / 1000),
      });
      return { text, remainingMs: Infinity };
    }
    const estimate = observed?.running && this.#runningSince !== undefined
      ? blendProgress(elapsedMs, predictedMs, this.#observedProgress(observed))
      : estimateProgress(elapsedMs, predictedMs);
    const view = {
      spinner: spinnerFrame(tick),
      bar: renderBar(estimate.percent),
      percent: estimate.percent,
    };
    const remainingMs = estimate.remainingSeconds * 1000;
    if (estimate.overdue) return { text: t.progressOverdue(view), remainingMs };
    const eta = formatWait(this.#o.locale, estimate.remainingSeconds);
    return { text: t.progress({ ...view, eta }), remainingMs };
  }

  #observedProgress(observed: ServerProgress): ObservedProgress {
    return {
      fraction: observed.fraction,
      runningMs: this.#o.clock.now() -
        (this.#runningSince ?? this.#o.clock.now()),
    };
  }

  async #tick(startedAt: number, predictedMs: number, signal: AbortSignal) {
    const { clock, intervalMs } = this.#o;
    const quietMs = this.#o.quietBeforeEndMs ?? 0;
    let quietSince: number | undefined;
    // Bounded: a render cannot outlive a day of ticks.
    for (let tick = 0; tick < 86_400_000 / intervalMs; tick++) {
      const now = clock.now();
      const frame = this.#frame(tick, now - startedAt, predictedMs);
      if (signal.aborted) return;
      // Overdue counts as near the end too: renders often end a little
      // after their prediction.
      const nearEnd = frame.remainingMs <= quietMs;
      quietSince = nearEnd ? quietSince ?? now : undefined;
      // A prediction that proved wrong (still no video well after the
      // quiet time) does not freeze the bar for good.
      const quiet = quietSince !== undefined && now - quietSince <= 2 * quietMs;
      if (!quiet) {
        // A tick still waiting behind another edit when the render ended is
        // dropped: the video must not wait for an outdated bar.
        this.#queue = this.#queue.then(() =>
          signal.aborted ? undefined : this.#edit(frame.text, {})
        );
        await this.#queue;
      }
      try {
        await clock.sleep(intervalMs, signal);
      } catch {
        return;
      }
    }
  }

  #markup(): { reply_markup?: InlineKeyboard } {
    return this.#keyboard ? { reply_markup: this.#keyboard } : {};
  }

  // Text and buttons: Telegram refuses an edit that changes neither.
  #fingerprint(text: string): string {
    return `${text}\u0000${JSON.stringify(this.#keyboard ?? null)}`;
  }

  async #edit(message: string, options: { fallbackToNew?: boolean }) {
    const text = (this.#o.prefix ?? "") + message;
    const shown = this.#fingerprint(text);
    if (shown === this.#lastShown) return;
    const { api, chatId, log } = this.#o;
    try {
      if (this.#messageId === undefined) throw new Error("no progress message");
      await api.editMessageText(chatId, this.#messageId, text, this.#markup());
      this.#lastShown = shown;
    } catch (error) {
      log.debug("cannot edit the progress message", { error });
      if (!options.fallbackToNew) return;
      try {
        const message = await api.sendMessage(chatId, text, this.#markup());
        this.#messageId = message.message_id;
        this.#lastShown = shown;
      } catch (sendError) {
        log.warn("cannot tell the user", { error: sendError });
      }
    }
  }
}

/**
 * Telegram's {@link JobNotifier}: the job runner's words put into the
 * user's language, with the cancel and after-video buttons, sent through
 * the Bot API. The progress message itself is {@link ProgressReporter}.
 *
 * @module
 */

import { type Api, InlineKeyboard } from "grammy";
import type { InlineKeyboardMarkup } from "grammy/types";
import type { Clock } from "../../clock.ts";
import type { RenderProgress, VideoFile } from "../../comfy/mod.ts";
import { formatWait, type Locale, messages } from "../../i18n/mod.ts";
import type {
  FailureReason,
  Job,
  JobNotifier,
  JobProgress,
  Requester,
  SentVideo,
} from "../../jobs/mod.ts";
import type { Logger } from "../../log.ts";
import type { VideoShape } from "../../media/mod.ts";
import { encodeCallback } from "../callback_data.ts";
import { sendVideo } from "./delivery.ts";
import { ProgressReporter } from "./progress_reporter.ts";

/** Options of {@link TelegramJobNotifier}. */
export interface TelegramJobNotifierOptions {
  readonly api: Api;
  readonly clock: Clock;
  readonly log: Logger;
  readonly botUsername: string;
  readonly progressIntervalMs: number;
  /** Telegram's pace per chat (TELEGRAM_CHAT_INTERVAL); the bar keeps clear of it. */
  readonly chatIntervalMs?: number;
  /** Told when a video cannot be delivered for a reason they can fix. */
  readonly adminUserIds?: readonly number[];
  /** The backend is the no-GPU preview: every text says it is not AI. */
  readonly preview?: boolean;
  /** Width, height, duration and thumbnail for sendVideo (absent: none). */
  readonly probe?: (video: VideoFile) => Promise<VideoShape>;
  /**
   * "Not enough tokens" when the balance ran out while the photo was being
   * checked: the bot's own reply, with the buy buttons while packs are on
   * sale (absent: the text alone, pointing at the admin).
   */
  readonly notEnough?: (p: {
    readonly locale: Locale;
    readonly needed: number;
    readonly balance: number;
  }) => { readonly text: string; readonly keyboard: InlineKeyboardMarkup };
}

/** Tells Telegram users (and admins) what becomes of their jobs. */
export class TelegramJobNotifier implements JobNotifier {
  readonly #o: TelegramJobNotifierOptions;

  constructor(options: TelegramJobNotifierOptions) {
    this.#o = options;
  }

  progress(job: Job, log: Logger): JobProgress {
    const t = messages(job.locale as Locale);
    return new TelegramJobProgress(
      t,
      job.locale as Locale,
      new ProgressReporter({
        api: this.#o.api,
        clock: this.#o.clock,
        log,
        chatId: job.chatId,
        locale: job.locale as Locale,
        intervalMs: this.#o.progressIntervalMs,
        // Two of the chat's turns: the last bar edit leaves the chat free
        // by the time the video is ready.
        quietBeforeEndMs: 2 * (this.#o.chatIntervalMs ?? 0),
        messageId: job.progressMessageId,
        prefix: this.#o.preview ? `${t.previewTag}\n\n` : undefined,
        keyboard: new InlineKeyboard().text(
          t.buttons.cancel,
          encodeCallback({ kind: "job", action: "cancel", jobId: job.id }),
        ),
      }),
    );
  }

  async video(
    job: Job,
    video: VideoFile,
    preview: boolean,
  ): Promise<SentVideo> {
    const shape = await this.#o.probe?.(video);
    return await sendVideo(this.#o.api, job, video, {
      ...(shape ? { shape } : {}),
      botUsername: this.#o.botUsername,
      preview,
      clock: this.#o.clock,
    });
  }

  async refused(request: Requester, reason: FailureReason): Promise<void> {
    const t = messages(request.locale as Locale);
    await this.#o.api.sendMessage(
      request.chatId,
      t.refused({ reason: t.reasons[reason] }),
    )
      .catch((e) => this.#o.log.warn("cannot tell the user", { error: e }));
  }

  async notEnough(
    request: Requester,
    { needed, balance }: { readonly needed: number; readonly balance: number },
  ): Promise<void> {
    const t = messages(request.locale as Locale);
    const reply = this.#o.notEnough?.({
      locale: request.locale as Locale,
      needed,
      balance,
    });
    await this.#o.api.sendMessage(
      request.chatId,
      reply?.text ??
        t.notEnough({ needed, balance, admin: "", packs: false }),
      reply ? { reply_markup: reply.keyboard } : {},
    ).catch(() => {});
  }

  async toAdmins(text: string): Promise<void> {
    for (const admin of this.#o.adminUserIds ?? []) {
      await this.#o.api.sendMessage(admin, text).catch((e) =>
        this.#o.log.warn("cannot alert the admin", { admin, error: e })
      );
    }
  }
}

// A job's progress message in the user's language.
class TelegramJobProgress implements JobProgress {
  readonly #t: ReturnType<typeof messages>;
  readonly #locale: Locale;
  readonly #reporter: ProgressReporter;

  constructor(
    t: ReturnType<typeof messages>,
    locale: Locale,
    reporter: ProgressReporter,
  ) {
    this.#t = t;
    this.#locale = locale;
    this.#reporter = reporter;
  }

  get messageId(): number | undefined {
    return this.#reporter.messageId;
  }

  async starting(): Promise<void> {
    await this.#reporter.open(this.#t.starting);
  }

  resumed(): Promise<void> {
    return this.#reporter.show(this.#t.resumed, { fallbackToNew: true });
  }

  queued(position: number, etaSeconds: number): Promise<void> {
    return this.#reporter.show(this.#t.queued({
      position,
      eta: formatWait(this.#locale, etaSeconds),
    }));
  }

  startTicking(startedAt: number, predictedMs: number): void {
    this.#reporter.startTicking(startedAt, predictedMs);
  }

  observe(progress: RenderProgress): void {
    this.#reporter.observe(progress);
  }

  stopTicking(): void {
    this.#reporter.stopTicking();
  }

  dropCancel(): void {
    this.#reporter.setKeyboard(undefined);
  }

  done(job: Job, balance: number): Promise<void> {
    return this.#reporter.show(
      job.free
        ? this.#t.free.done({ balance })
        : this.#t.doneNote({ cost: job.cost, balance }),
    );
  }

  cancelled(cost: number): Promise<void> {
    return this.#reporter.show(this.#t.cancelled({ cost }), {
      fallbackToNew: true,
    });
  }

  paused(): Promise<void> {
    return this.#reporter.show(this.#t.paused);
  }

  failed(reason: FailureReason): Promise<void> {
    return this.#reporter.show(
      this.#t.failed({ reason: this.#t.reasons[reason] }),
      { fallbackToNew: true },
    );
  }

  close(): void {
    this.#reporter.close();
  }
}

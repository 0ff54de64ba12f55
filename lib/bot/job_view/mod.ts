/**
 * The job's view in Telegram: the bot's implementation of jobs/' JobNotifier
 * port (progress message, video delivery, job texts, cancel button).
 *
 * @module
 */

export { TelegramJobNotifier } from "./notifier.ts";
export type { TelegramJobNotifierOptions } from "./notifier.ts";
export { sendVideo, videoCaption, whileUploading } from "./delivery.ts";
export { ProgressReporter } from "./progress_reporter.ts";

/**
 * The Telegram transport's public face: throttle, per-chat lanes, retries,
 * file downloads and the update log (updates stored before handling).
 *
 * @module
 */

export {
  PhotoDownloadError,
  TELEGRAM_DOWNLOAD_LIMIT,
  telegramPhotos,
} from "./files.ts";
export type { DownloadOptions, PhotoSource } from "./files.ts";
export { retryTransformer } from "./retry.ts";
export { throttleTransformer } from "./throttle.ts";
export { UpdateLog } from "./update_log.ts";
export { type Pruning, startPruning } from "./update_prune.ts";

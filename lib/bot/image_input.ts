/**
 * The picture in a user's message: the largest size of a photo, or an image
 * sent as a file. Quick mode and the wizard both take it from here.
 *
 * @module
 */

import type { Message, PhotoSize } from "grammy/types";
import { TELEGRAM_DOWNLOAD_LIMIT } from "../telegram/mod.ts";

const IMAGE_TYPES = new Set(["image/jpeg", "image/png", "image/webp"]);

/** The largest file the bot can download, in whole megabytes. */
export const LIMIT_MB: number = Math.floor(
  TELEGRAM_DOWNLOAD_LIMIT / 1024 / 1024,
);

/** What a photo or document message holds. */
export type ImageInput =
  | { readonly kind: "image"; readonly fileId: string }
  | { readonly kind: "not_image" }
  | { readonly kind: "too_big" };

// Telegram lists sizes smallest first, but nothing promises it.
function largest(sizes: readonly PhotoSize[]): PhotoSize | undefined {
  return sizes.reduce<PhotoSize | undefined>(
    (best, size) =>
      best === undefined || size.width * size.height > best.width * best.height
        ? size
        : best,
    undefined,
  );
}

/** The image of a photo or document message; undefined for other messages. */
export function imageInput(message: Message): ImageInput | undefined {
  let fileId: string;
  let size: number | undefined;
  if (message.photo !== undefined) {
    const photo = largest(message.photo);
    if (photo === undefined) return { kind: "not_image" };
    fileId = photo.file_id;
    size = photo.file_size;
  } else if (message.document !== undefined) {
    const doc = message.document;
    if (!IMAGE_TYPES.has(doc.mime_type ?? "")) return { kind: "not_image" };
    fileId = doc.file_id;
    size = doc.file_size;
  } else {
    return undefined;
  }
  if (size !== undefined && size > TELEGRAM_DOWNLOAD_LIMIT) {
    return { kind: "too_big" };
  }
  return { kind: "image", fileId };
}

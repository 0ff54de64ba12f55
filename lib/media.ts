/**
 * Recognising media by their first bytes: what a user uploads and what
 * ComfyUI returns are both untrusted, whatever their names claim.
 *
 * @module
 */

/** Image formats the bot accepts from users. */
export type ImageFormat = "jpeg" | "png" | "webp";

/** Video containers Telegram clients play inline. */
export type VideoFormat = "mp4" | "webm";

function startsWith(bytes: Uint8Array, prefix: readonly number[], at = 0) {
  return prefix.every((byte, i) => bytes[at + i] === byte);
}

function ascii(bytes: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...bytes.subarray(from, to));
}

/** The image format of `bytes`, or undefined for anything else. */
export function detectImage(bytes: Uint8Array): ImageFormat | undefined {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "jpeg";
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) {
    return "png";
  }
  if (ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 12) === "WEBP") {
    return "webp";
  }
  return undefined;
}

/** The video container of `bytes` (ISO-BMFF `ftyp` or Matroska/WebM). */
export function detectVideo(bytes: Uint8Array): VideoFormat | undefined {
  if (bytes.length >= 12 && ascii(bytes, 4, 8) === "ftyp") return "mp4";
  if (startsWith(bytes, [0x1a, 0x45, 0xdf, 0xa3])) return "webm";
  return undefined;
}

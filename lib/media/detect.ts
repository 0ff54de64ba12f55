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

/** Pixel size of an image. */
export interface Dimensions {
  readonly width: number;
  readonly height: number;
}

function u16be(b: Uint8Array, at: number): number {
  return ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0);
}

function u32be(b: Uint8Array, at: number): number {
  return u16be(b, at) * 65536 + u16be(b, at + 2);
}

function u24le(b: Uint8Array, at: number): number {
  return (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8) | ((b[at + 2] ?? 0) << 16);
}

// Walks the JPEG markers to the first start-of-frame; a file cut short or
// with broken markers has none, which is how a corrupt upload is caught.
function jpegDimensions(b: Uint8Array): Dimensions | undefined {
  let at = 2;
  for (let guard = 0; guard < 10_000 && at + 9 < b.length; guard++) {
    if (b[at] !== 0xff) return undefined;
    const marker = b[at + 1] ?? 0;
    if (marker === 0xff) {
      at++;
      continue;
    }
    const length = u16be(b, at + 2);
    const isFrame = marker >= 0xc0 && marker <= 0xcf &&
      marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) {
      return { height: u16be(b, at + 5), width: u16be(b, at + 7) };
    }
    if (length < 2) return undefined;
    at += 2 + length;
  }
  return undefined;
}

function webpDimensions(b: Uint8Array): Dimensions | undefined {
  const chunk = ascii(b, 12, 16);
  if (chunk === "VP8 " && b.length >= 30) {
    // Little-endian 14-bit fields after the key frame's start code.
    return {
      width: (((b[27] ?? 0) << 8) | (b[26] ?? 0)) & 0x3fff,
      height: (((b[29] ?? 0) << 8) | (b[28] ?? 0)) & 0x3fff,
    };
  }
  if (chunk === "VP8L" && b.length >= 25) {
    const bits = ((b[21] ?? 0) | ((b[22] ?? 0) << 8) | ((b[23] ?? 0) << 16) |
      ((b[24] ?? 0) << 24)) >>> 0;
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === "VP8X" && b.length >= 30) {
    return { width: u24le(b, 24) + 1, height: u24le(b, 27) + 1 };
  }
  return undefined;
}

/**
 * The pixel size read from the image header, or undefined when the bytes
 * are not a well-formed JPEG, PNG or WebP.
 */
export function imageDimensions(bytes: Uint8Array): Dimensions | undefined {
  let size: Dimensions | undefined;
  switch (detectImage(bytes)) {
    case "jpeg":
      size = jpegDimensions(bytes);
      break;
    case "png":
      size = ascii(bytes, 12, 16) === "IHDR"
        ? { width: u32be(bytes, 16), height: u32be(bytes, 20) }
        : undefined;
      break;
    case "webp":
      size = webpDimensions(bytes);
      break;
  }
  return size !== undefined && size.width > 0 && size.height > 0
    ? size
    : undefined;
}

/** Why an image cannot be animated, judged from its size. */
export type ImageProblem = "too_small" | "too_large";

/** The shortest side a workflow can use, and the most pixels accepted. */
export const IMAGE_LIMITS = { minSide: 64, maxPixels: 40_000_000 } as const;

/** Checks an image's size against {@link IMAGE_LIMITS}. */
export function checkDimensions(size: Dimensions): ImageProblem | undefined {
  if (Math.min(size.width, size.height) < IMAGE_LIMITS.minSide) {
    return "too_small";
  }
  if (size.width * size.height > IMAGE_LIMITS.maxPixels) return "too_large";
  return undefined;
}

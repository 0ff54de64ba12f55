/**
 * Downloading users' photos from Telegram without ever exposing the token:
 * the download URL contains it, so errors name only the file.
 *
 * @module
 */

import type { Api } from "grammy";

/** The Bot API refuses to serve files larger than this to bots. */
export const TELEGRAM_DOWNLOAD_LIMIT = 20 * 1024 * 1024;

/** Why a photo could not be fetched. */
export type PhotoErrorKind = "too_big" | "download";

/** A photo could not be downloaded; the message never holds the token. */
export class PhotoDownloadError extends Error {
  readonly kind: PhotoErrorKind;

  constructor(kind: PhotoErrorKind, message: string) {
    super(message);
    this.name = "PhotoDownloadError";
    this.kind = kind;
  }
}

/** Options of {@link PhotoSource.download}. */
export interface DownloadOptions {
  readonly signal?: AbortSignal | undefined;
  /**
   * Looks at the first {@link HEAD_BYTES} (or the whole file if smaller)
   * before the rest is pulled; throwing refuses the file and stops the
   * download, so a file that is no image costs a few kilobytes, not 20 MB.
   */
  readonly inspect?: (head: Uint8Array) => void;
}

/** Fetches the bytes of a file the user sent. */
export interface PhotoSource {
  download(fileId: string, options?: DownloadOptions): Promise<Uint8Array>;
}

/** How much of a file {@link DownloadOptions.inspect} sees. */
export const HEAD_BYTES = 64 * 1024;

/** Options of {@link telegramPhotos}. */
export interface TelegramPhotosOptions {
  readonly api: Api;
  readonly apiRoot: string;
  readonly token: string;
  readonly maxBytes?: number;
  readonly fetch?: typeof fetch;
}

/** Downloads through `getFile` and `<apiRoot>/file/bot<token>/<path>`. */
export function telegramPhotos(options: TelegramPhotosOptions): PhotoSource {
  const limit = options.maxBytes ?? TELEGRAM_DOWNLOAD_LIMIT;
  const doFetch = options.fetch ?? globalThis.fetch;
  return {
    async download(fileId, { signal, inspect } = {}) {
      let path: string | undefined;
      let size: number | undefined;
      try {
        const file = await options.api.getFile(fileId);
        path = file.file_path;
        size = file.file_size;
      } catch (error) {
        const tooBig = /file is too big/i.test(String(error));
        throw new PhotoDownloadError(
          tooBig ? "too_big" : "download",
          `Telegram refused getFile: ${errorText(error, options.token)}`,
        );
      }
      if (path === undefined) {
        throw new PhotoDownloadError("download", "Telegram gave no file path");
      }
      // getFile states the size: nothing is fetched of a file over it.
      if (size !== undefined && size > limit) {
        throw new PhotoDownloadError("too_big", `"${path}" is ${size} bytes`);
      }
      const url = `${options.apiRoot}/file/bot${options.token}/${path}`;
      let response: Response;
      try {
        response = await doFetch(url, { signal: signal ?? null });
      } catch (error) {
        throw new PhotoDownloadError(
          "download",
          `Cannot download "${path}": ${errorText(error, options.token)}`,
        );
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw new PhotoDownloadError(
          "download",
          `Cannot download "${path}": HTTP ${response.status}`,
        );
      }
      return await readLimited(response, { limit, path, inspect });
    },
  };
}

function errorText(error: unknown, token: string): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replaceAll(token, "<redacted>");
}

/**
 * Reads at most `limit` bytes into one buffer (sized by Content-Length
 * once the head passed `inspect`), so a hostile or wrong size cannot fill
 * memory and the body is never copied twice.
 */
export async function readLimited(
  response: Response,
  { limit, path, inspect }: {
    readonly limit: number;
    readonly path: string;
    readonly inspect?: ((head: Uint8Array) => void) | undefined;
  },
): Promise<Uint8Array> {
  const header = response.headers.get("content-length");
  const declared = header === null ? undefined : Number(header);
  if (declared !== undefined && declared > limit) {
    await response.body?.cancel();
    throw new PhotoDownloadError("too_big", `"${path}" is ${declared} bytes`);
  }
  // Small until the head is judged (a refused file costs no 20 MB buffer),
  // then the declared size at once: one copy of the head, none of the rest.
  let buffer = new Uint8Array(Math.min(declared ?? HEAD_BYTES, 2 * HEAD_BYTES));
  let size = 0;
  let inspected = inspect === undefined;
  const reader = (response.body ?? new ReadableStream()).getReader();
  try {
    // Bounded: every round adds bytes, and more than `limit` ends it.
    for (let round = 0; round < Number.MAX_SAFE_INTEGER; round++) {
      const { done, value } = await reader.read();
      if (done) break;
      if (size + value.length > limit) {
        throw new PhotoDownloadError(
          "too_big",
          `"${path}" exceeds ${limit} bytes`,
        );
      }
      if (size + value.length > buffer.length) {
        // To the declared size, else (none, or a wrong one) by doubling.
        const needed = size + value.length;
        const grown = new Uint8Array(
          declared !== undefined && declared >= needed
            ? declared
            : Math.min(limit, Math.max(buffer.length * 2, needed)),
        );
        grown.set(buffer.subarray(0, size));
        buffer = grown;
      }
      buffer.set(value, size);
      size += value.length;
      if (!inspected && size >= HEAD_BYTES) {
        inspected = true;
        inspect?.(buffer.subarray(0, size));
      }
    }
    if (!inspected) inspect?.(buffer.subarray(0, size));
  } catch (error) {
    await reader.cancel().catch(() => {});
    throw error;
  }
  return size === buffer.length ? buffer : buffer.subarray(0, size);
}

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

/** Fetches the bytes of a file the user sent. */
export interface PhotoSource {
  download(fileId: string, signal?: AbortSignal): Promise<Uint8Array>;
}

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
    async download(fileId, signal) {
      let path: string | undefined;
      try {
        path = (await options.api.getFile(fileId)).file_path;
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
      return await readLimited(response, limit, path);
    },
  };
}

function errorText(error: unknown, token: string): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replaceAll(token, "<redacted>");
}

// Reads at most `limit` bytes, so a hostile or wrong size cannot fill memory.
async function readLimited(
  response: Response,
  limit: number,
  path: string,
): Promise<Uint8Array> {
  const declared = Number(response.headers.get("content-length") ?? "0");
  if (declared > limit) {
    await response.body?.cancel();
    throw new PhotoDownloadError("too_big", `"${path}" is ${declared} bytes`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += chunk.length;
    if (size > limit) {
      throw new PhotoDownloadError(
        "too_big",
        `"${path}" exceeds ${limit} bytes`,
      );
    }
    chunks.push(chunk);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

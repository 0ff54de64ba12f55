/**
 * HTTP to plain ComfyUI with the deployment's auth: extra headers (a
 * reverse proxy's `Authorization: Bearer …` or Basic) and an optional
 * `?token=` (ComfyUI-Login, RunPod) on every URL. Errors are typed
 * {@link ComfyError}s whose messages never contain the token.
 *
 * @module
 */

import {
  ComfyError,
  ComfyHttpError,
  ComfyOutputError,
  ComfyUnreachableError,
} from "./errors.ts";
import type { OutputFile } from "./history.ts";
import { MAX_VIDEO_BYTES, type VideoFile, type VideoSpool } from "./spool.ts";

/**
 * The largest JSON answer read from ComfyUI (`/history?max_items=256` with
 * big graphs is a few MB): a broken or hostile server cannot make the bot
 * buffer without end.
 */
export const MAX_JSON_BYTES = 32 * 1024 * 1024;

/** Where ComfyUI is and how to authenticate. */
export interface ComfyHttpOptions {
  readonly baseUrl: string;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  readonly token?: string | undefined;
  readonly fetch?: typeof fetch | undefined;
}

/** Thin typed HTTP client for ComfyUI's core routes. */
export class ComfyHttp {
  readonly #options: ComfyHttpOptions;
  readonly #fetch: typeof fetch;
  readonly #base: string;

  constructor(options: ComfyHttpOptions) {
    this.#options = options;
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#base = options.baseUrl.replace(/\/+$/, "");
  }

  /** The full URL of `path` (which may carry a query), token appended. */
  url(path: string): string {
    const url = new URL(this.#base + path);
    if (this.#options.token !== undefined) {
      url.searchParams.set("token", this.#options.token);
    }
    return url.href;
  }

  /** The websocket URL for `clientId`, token appended. */
  wsUrl(clientId: string): string {
    const url = new URL(this.url(`/ws?clientId=${clientId}`));
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    return url.href;
  }

  /** The auth headers, for the websocket handshake too. */
  get headers(): Record<string, string> {
    return { ...this.#options.headers };
  }

  /** One request; non-2xx answers become {@link ComfyHttpError}. */
  async request(
    path: string,
    init: Omit<RequestInit, "signal"> & { signal?: AbortSignal | undefined },
  ): Promise<Response> {
    let response: Response;
    try {
      const headers = new Headers(init.headers);
      for (const [k, v] of Object.entries(this.headers)) headers.set(k, v);
      response = await this.#fetch(this.url(path), {
        ...init,
        headers,
        signal: init.signal ?? null,
      });
    } catch (error) {
      throw wrapFetchError(error, path, init.signal);
    }
    return response;
  }

  /** GET a JSON answer of at most `maxBytes` (default {@link MAX_JSON_BYTES}). */
  async getJson(
    path: string,
    signal?: AbortSignal,
    maxBytes: number = MAX_JSON_BYTES,
  ): Promise<unknown> {
    const response = await this.request(path, { signal });
    const text = await readText(response, path, signal, maxBytes);
    if (!response.ok) throw new ComfyHttpError(response.status, path, text);
    return parseJson(text, path);
  }

  /** POST JSON; returns status and the parsed body (or undefined if empty). */
  async postJson(
    path: string,
    body: unknown,
    signal?: AbortSignal,
  ): Promise<{ status: number; body: unknown; text: string }> {
    const response = await this.request(path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal,
    });
    const text = await readText(response, path, signal);
    let parsed: unknown;
    try {
      parsed = text === "" ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: response.status, body: parsed, text };
  }

  /**
   * Streams an output from `/view` into the spool, refusing more than
   * `maxBytes`; the spool checks that it is a video.
   */
  async download(
    file: OutputFile,
    spool: VideoSpool,
    signal?: AbortSignal,
    maxBytes = MAX_VIDEO_BYTES,
  ): Promise<VideoFile> {
    const query = new URLSearchParams({
      filename: file.filename,
      subfolder: file.subfolder,
      type: file.type,
    });
    const path = `/view?${query}`;
    const response = await this.request(path, { signal });
    return await saveVideo(response, path, spool, signal, maxBytes);
  }
}

/**
 * A `/view` answer into the spool: non-2xx answers become
 * {@link ComfyHttpError}, a declared size over `maxBytes` is refused before
 * reading, and a network failure while reading is a
 * {@link ComfyUnreachableError}.
 */
export async function saveVideo(
  response: Response,
  path: string,
  spool: VideoSpool,
  signal: AbortSignal | undefined,
  maxBytes = MAX_VIDEO_BYTES,
): Promise<VideoFile> {
  if (!response.ok) {
    const text = await readText(response, path, signal);
    throw new ComfyHttpError(response.status, path, text);
  }
  const declared = Number(response.headers.get("content-length") ?? "0");
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new ComfyOutputError(
      `The video is larger than ${maxBytes} bytes (${declared})`,
    );
  }
  const length = response.headers.get("content-length");
  try {
    return await spool.write(response.body ?? new Uint8Array(), {
      maxBytes,
      ...(length === null ? {} : { declaredBytes: declared }),
    });
  } catch (error) {
    throw wrapFetchError(error, path, signal);
  }
}

/**
 * The body as text, refusing more than `maxBytes` (the rest is not read):
 * a {@link ComfyOutputError} then.
 */
export async function readText(
  response: Response,
  path: string,
  signal: AbortSignal | undefined,
  maxBytes: number = MAX_JSON_BYTES,
): Promise<string> {
  const declared = Number(response.headers.get("content-length") ?? "0");
  try {
    if (declared > maxBytes || response.body === null) {
      await response.body?.cancel();
      if (declared > maxBytes) throw tooLong(path, maxBytes);
      return "";
    }
    const decoder = new TextDecoder();
    let text = "";
    let size = 0;
    for await (const chunk of response.body) {
      size += chunk.length;
      if (size > maxBytes) throw tooLong(path, maxBytes);
      text += decoder.decode(chunk, { stream: true });
    }
    return text + decoder.decode();
  } catch (error) {
    throw wrapFetchError(error, path, signal);
  }
}

function tooLong(path: string, maxBytes: number): ComfyOutputError {
  return new ComfyOutputError(
    `ComfyUI sent more than ${maxBytes} bytes for "${path}"`,
  );
}

/** Parses JSON or throws {@link ComfyOutputError}. */
export function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ComfyOutputError(
      `ComfyUI sent something that is not JSON for "${path}"`,
    );
  }
}

/** A network failure becomes {@link ComfyUnreachableError}; aborts pass. */
export function wrapFetchError(
  error: unknown,
  path: string,
  signal: AbortSignal | undefined,
): unknown {
  if (error instanceof ComfyError || signal?.aborted) return error;
  return new ComfyUnreachableError(path, error);
}

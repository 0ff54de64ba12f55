/**
 * Finished videos live on disk between ComfyUI and Telegram: `/view` is
 * streamed into a file and the upload streams from that file. Holding
 * them in memory made the bot's RSS grow with video size × videos waiting
 * for their chat's turn (487 MB at 200 users with 10 MB videos).
 *
 * @module
 */

import { detectVideo, type VideoFormat } from "../media/mod.ts";
import { makePrivateDir, PRIVATE_FILE } from "../host/mod.ts";
import { ComfyOutputError } from "./errors.ts";

/** Downloads larger than this are refused (a video for Telegram is ≤ 50 MB). */
export const MAX_VIDEO_BYTES = 200 * 1024 * 1024;

// Enough for the container signatures {@link detectVideo} reads.
const HEAD_BYTES = 16;
const PREFIX = "video-";

/** A finished video in the spool; whoever holds it discards it. */
export interface VideoFile {
  readonly path: string;
  readonly size: number;
  readonly format: VideoFormat;
  /** Deletes the file; safe to call more than once, never throws. */
  discard(): Promise<void>;
}

/** Options of {@link VideoSpool.write}. */
export interface SpoolWriteOptions {
  /** Refused above this many bytes (default {@link MAX_VIDEO_BYTES}). */
  readonly maxBytes?: number;
  /**
   * The size the sender declared (Content-Length), already checked
   * against `maxBytes`: HTTP framing then bounds the stream, and it is
   * piped to the file natively instead of chunk by chunk through
   * JavaScript, which kept about 12 MB per download alive.
   */
  readonly declaredBytes?: number;
}

/** A spool file written piece by piece (see {@link VideoSpool.open}). */
export interface SpoolWriter {
  /** Appends bytes; throws {@link ComfyOutputError} past `maxBytes`. */
  write(bytes: Uint8Array): Promise<void>;
  /** Closes the file and checks it is a video (else removes it and throws). */
  finish(): Promise<VideoFile>;
  /** Closes and removes the file; safe to call more than once. */
  abort(): Promise<void>;
}

/** A folder of videos waiting to be delivered, one file each. */
export class VideoSpool {
  /** The folder; created on first use. */
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  /** A fresh path in the spool for a program (ffmpeg) to write to. */
  async newPath(): Promise<string> {
    await makePrivateDir(this.dir);
    return `${this.dir}/${PREFIX}${crypto.randomUUID()}.mp4`;
  }

  /**
   * Writes `body` into a new file, chunk by chunk, refusing more than
   * `maxBytes`; what is not a video by its first bytes is refused too. On
   * any failure (including a read error of the stream, which is rethrown
   * as is) nothing is left behind.
   */
  async write(
    body: ReadableStream<Uint8Array> | Uint8Array,
    options: SpoolWriteOptions = {},
  ): Promise<VideoFile> {
    const maxBytes = options.maxBytes ?? MAX_VIDEO_BYTES;
    const path = await this.newPath();
    const file = await Deno.open(path, {
      write: true,
      createNew: true,
      mode: PRIVATE_FILE,
    });
    try {
      if (body instanceof Uint8Array || options.declaredBytes === undefined) {
        await copyBounded(body, file, maxBytes);
        file.close();
      } else {
        // Closes the file when done or failed.
        await body.pipeTo(file.writable);
      }
      const { size } = await Deno.stat(path);
      if (size > maxBytes) throw tooLarge(size, maxBytes);
      return this.#checked(path, await readHead(path), size);
    } catch (error) {
      try {
        file.close();
      } catch {
        // closed already
      }
      await Deno.remove(path).catch(noop);
      throw error;
    }
  }

  /**
   * A new file to write piece by piece, refusing more than `maxBytes`:
   * for a video decoded while it arrives (ComfyUI-Connect's base64).
   */
  async open(maxBytes: number = MAX_VIDEO_BYTES): Promise<SpoolWriter> {
    const path = await this.newPath();
    const file = await Deno.open(path, { write: true, createNew: true });
    let size = 0;
    let open = true;
    const close = () => {
      if (open) file.close();
      open = false;
    };
    const abort = async () => {
      close();
      await Deno.remove(path).catch(noop);
    };
    return {
      write: async (bytes) => {
        size += bytes.length;
        if (size > maxBytes) throw tooLarge(size, maxBytes);
        await writeAll(file, bytes);
      },
      finish: async () => {
        close();
        try {
          return this.#checked(path, await readHead(path), size);
        } catch (error) {
          await abort();
          throw error;
        }
      },
      abort,
    };
  }

  /**
   * A video a program wrote at a path from {@link newPath}, checked like a
   * download; a missing file or one that is not a video is removed and
   * refused.
   */
  async adopt(path: string): Promise<VideoFile> {
    try {
      const { size } = await Deno.stat(path);
      return this.#checked(path, await readHead(path), size);
    } catch (error) {
      await Deno.remove(path).catch(noop);
      if (error instanceof Deno.errors.NotFound) {
        throw new ComfyOutputError("The program wrote no video");
      }
      throw error;
    }
  }

  /**
   * Removes the videos a previous process left behind (killed between the
   * render and the upload); call once at start, before any job runs.
   * Returns how many were removed.
   */
  async sweep(): Promise<number> {
    let removed = 0;
    try {
      for await (const entry of Deno.readDir(this.dir)) {
        if (!entry.isFile || !entry.name.startsWith(PREFIX)) continue;
        await Deno.remove(`${this.dir}/${entry.name}`);
        removed++;
      }
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    return removed;
  }

  #checked(path: string, head: Uint8Array, size: number): VideoFile {
    const format = detectVideo(head);
    if (format === undefined) {
      throw new ComfyOutputError(
        `The workflow output is not a video (${size} bytes, no MP4/WebM header)`,
      );
    }
    return {
      path,
      size,
      format,
      discard: () => Deno.remove(path).catch(noop),
    };
  }
}

/** The first bytes of a file, for {@link detectVideo}. */
export async function readHead(path: string): Promise<Uint8Array> {
  using file = await Deno.open(path, { read: true });
  const head = new Uint8Array(HEAD_BYTES);
  let at = 0;
  // Bounded: each read returns at least one byte or ends the file.
  while (at < HEAD_BYTES) {
    const n = await file.read(head.subarray(at));
    if (n === null) break;
    at += n;
  }
  return head.subarray(0, at);
}

// Chunk by chunk, counting: for a stream of unknown length.
async function copyBounded(
  body: ReadableStream<Uint8Array> | Uint8Array,
  file: Deno.FsFile,
  maxBytes: number,
): Promise<void> {
  let size = 0;
  const chunks = body instanceof Uint8Array ? [body] : body;
  for await (const chunk of chunks) {
    size += chunk.length;
    if (size > maxBytes) {
      if (!(body instanceof Uint8Array)) await body.cancel().catch(noop);
      throw tooLarge(size, maxBytes);
    }
    await writeAll(file, chunk);
  }
}

async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  let at = 0;
  while (at < bytes.length) at += await file.write(bytes.subarray(at));
}

function tooLarge(size: number, maxBytes: number): ComfyOutputError {
  return new ComfyOutputError(
    `The video is larger than ${maxBytes} bytes (${size})`,
  );
}

function noop(): void {}

/**
 * Reads ComfyUI-Connect's answer as it arrives. The plugin puts each
 * output node's files as base64 under `result.<tag>`: a bare string for
 * one file, a list for several, `[]` for `gifs` outputs, nothing after a
 * failed run. The base64 is decoded straight into the spool, so a 40 MB
 * video costs the bot a few chunks of memory instead of the whole body
 * as a string plus its decoded copy.
 *
 * @module
 */

import { decodeBase64 } from "../base64.ts";
import { ComfyOutputError } from "../errors.ts";
import {
  CaptureSink,
  concat,
  JsonScanner,
  type StringSink,
} from "./json_stream.ts";
import type { SpoolWriter, VideoFile, VideoSpool } from "../spool.ts";

/** What the answer held. */
export interface ConnectAnswer {
  /** The top-level `status` (`"success"` even after a failed render). */
  readonly status: string | undefined;
  /** The first output that is a video, in the spool; the caller owns it. */
  readonly video: VideoFile | undefined;
  /** Why the non-empty outputs were refused when none was a video. */
  readonly refused: ComfyOutputError | undefined;
}

/** Limits of {@link readConnectAnswer}. */
export interface ConnectAnswerOptions {
  readonly spool: VideoSpool;
  /** The largest video accepted (decoded bytes). */
  readonly maxVideoBytes: number;
  /** The largest answer read at all (several outputs, whitespace). */
  readonly maxBodyBytes: number;
}

const NOT_BASE64 = /[^A-Za-z0-9+/=]/;
const LATIN1 = new TextDecoder("latin1");

// One output string: base64 text in, decoded bytes out, four characters
// at a time across chunk boundaries.
class Base64Sink implements StringSink {
  #carry = "";
  #decoded: Uint8Array[] = [];
  #bad = false;
  ended = false;
  bytes = 0;

  raw(bytes: Uint8Array): void {
    if (this.#bad) return;
    let text = this.#carry + LATIN1.decode(bytes);
    this.#carry = "";
    if (text.includes("\\")) {
      // JSON may escape "/" as "\/"; a lone "\" at the end waits for the
      // next chunk. Base64 has no other escapable character.
      if (trailingBackslashes(text) % 2 === 1) {
        this.#carry = "\\";
        text = text.slice(0, -1);
      }
      text = text.replaceAll("\\/", "/");
    }
    if (NOT_BASE64.test(text)) {
      text = text.replace(/\s+/g, "");
      if (NOT_BASE64.test(text)) {
        this.#bad = true;
        return;
      }
    }
    const whole = text.length - (text.length % 4);
    this.#carry = text.slice(whole) + this.#carry;
    if (whole > 0) this.#push(text.slice(0, whole));
  }

  end(): void {
    this.ended = true;
    if (this.#carry !== "" && !this.#bad) this.#push(this.#carry);
    this.#carry = "";
  }

  /** Decoded bytes so far (and forgets them). */
  take(): Uint8Array {
    if (this.#bad) throw notBase64();
    const out = concat(this.#decoded);
    this.#decoded = [];
    return out;
  }

  #push(text: string): void {
    try {
      const bytes = decodeBase64(text);
      this.bytes += bytes.length;
      this.#decoded.push(bytes);
    } catch {
      this.#bad = true;
    }
  }
}

function trailingBackslashes(text: string): number {
  let n = 0;
  while (n < text.length && text[text.length - 1 - n] === "\\") n++;
  return n;
}

function notBase64(): ComfyOutputError {
  return new ComfyOutputError("ComfyUI-Connect sent output that is not base64");
}

// `result.<tag>` (one file) or `result.<tag>[i]` (several).
function isOutput(path: readonly (string | number)[]): boolean {
  return path[0] === "result" &&
    (path.length === 2 || (path.length === 3 && typeof path[2] === "number"));
}

/**
 * Streams a Connect answer: the first output that is a video goes to the
 * spool; the rest of the answer is scanned without being kept. Throws
 * {@link ComfyOutputError} for an answer that is not JSON, not base64,
 * or over a limit (nothing is left in the spool then).
 */
export async function readConnectAnswer(
  body: ReadableStream<Uint8Array>,
  options: ConnectAnswerOptions,
): Promise<ConnectAnswer> {
  const status = new CaptureSink(256);
  let current: Base64Sink | undefined;
  let video: VideoFile | undefined;
  let refused: ComfyOutputError | undefined;
  let writer: SpoolWriter | undefined;
  const scanner = new JsonScanner((path) => {
    if (path.length === 1 && path[0] === "status") return status;
    if (video !== undefined || !isOutput(path)) return undefined;
    return current = new Base64Sink();
  });
  // Writes what the current output decoded; at its end, keeps it if it is
  // a video, else drops it and looks at the next one.
  const flush = async () => {
    if (current === undefined) return;
    const bytes = current.take();
    if (bytes.length > 0) {
      writer ??= await options.spool.open(options.maxVideoBytes);
      await writer.write(bytes);
    }
    if (!current.ended) return;
    current = undefined;
    const done = writer;
    writer = undefined;
    if (done === undefined) return; // "" or an empty list entry
    try {
      video = await done.finish();
    } catch (error) {
      if (!(error instanceof ComfyOutputError)) throw error;
      refused = error;
    }
  };
  let total = 0;
  try {
    for await (const chunk of body) {
      total += chunk.length;
      if (total > options.maxBodyBytes) {
        throw new ComfyOutputError(
          `The ComfyUI-Connect answer is larger than ${options.maxBodyBytes} bytes`,
        );
      }
      for (let at = 0; at < chunk.length;) {
        at = scanner.feed(chunk, at);
        await flush();
      }
    }
    scanner.end();
  } catch (error) {
    await body.cancel().catch(() => {});
    await writer?.abort();
    await video?.discard();
    throw error;
  }
  return { status: status.value, video, refused };
}

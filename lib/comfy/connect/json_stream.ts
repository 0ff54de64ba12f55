/**
 * A streaming JSON scanner: it walks a JSON text chunk by chunk and hands
 * the raw bytes of each string to a sink the caller picks by the string's
 * path, so a 50 MB base64 string inside an answer is never held whole.
 * It checks the structure only as far as it needs to find paths and ends;
 * numbers and literals are skipped.
 *
 * @module
 */

import { ComfyOutputError } from "../errors.ts";

/** Where a value sits: object keys and array indexes from the root. */
export type JsonPath = readonly (string | number)[];

/** Receives one string's raw bytes (escapes not undone), then its end. */
export interface StringSink {
  raw(bytes: Uint8Array): void;
  end(): void;
}

/** Picks a sink for the string value at `path`; undefined skips it. */
export type SinkFor = (path: JsonPath) => StringSink | undefined;

type Frame =
  | { kind: "object"; key: string | undefined; expectKey: boolean }
  | { kind: "array"; index: number };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MAX_KEY_BYTES = 1024;
const LITERAL = /[-0-9a-zA-Z.+]/;

/** Collects a short string (a key, a status) up to a cap, then decodes it. */
export class CaptureSink implements StringSink {
  readonly #max: number;
  readonly #parts: Uint8Array[] = [];
  #size = 0;
  /** The decoded string once ended; undefined when over the cap. */
  value: string | undefined;

  constructor(maxBytes: number) {
    this.#max = maxBytes;
  }

  raw(bytes: Uint8Array): void {
    this.#size += bytes.length;
    if (this.#size <= this.#max) this.#parts.push(bytes.slice());
  }

  end(): void {
    if (this.#size > this.#max) return;
    const text = new TextDecoder().decode(concat(this.#parts));
    try {
      this.value = JSON.parse(`"${text}"`);
    } catch {
      throw notJson();
    }
  }
}

/**
 * Scans JSON incrementally. {@link feed} stops right after the end of a
 * string that had a sink, so the caller can finish what the sink holds
 * (an asynchronous write) before the next string starts.
 */
export class JsonScanner {
  readonly #sinkFor: SinkFor;
  readonly #stack: Frame[] = [];
  #sink: StringSink | undefined;
  #key: CaptureSink | undefined;
  #inString = false;
  #escape = false;
  #literal = false;
  #done = false;

  constructor(sinkFor: SinkFor) {
    this.#sinkFor = sinkFor;
  }

  /**
   * Scans `bytes` from `from`; returns where it stopped (the end, or just
   * past a string that had a sink).
   */
  feed(bytes: Uint8Array, from = 0): number {
    let at = from;
    while (at < bytes.length) {
      if (this.#inString) {
        const stop = this.#string(bytes, at);
        if (stop < 0) return bytes.length;
        at = stop;
        if (this.#closeString()) return at;
        continue;
      }
      at = this.#structure(bytes, at);
    }
    return at;
  }

  /** Checks that the text ended where a JSON value ends. */
  end(): void {
    if (this.#inString || this.#stack.length > 0 || !this.#done) {
      throw new ComfyOutputError("ComfyUI-Connect sent a truncated answer");
    }
  }

  // Inside a string: hands bytes to the sink up to the closing quote.
  // Returns the index past the quote, or -1 when the chunk ended first.
  // Native searches find the quote: a 50 MB base64 string has no escapes.
  #string(bytes: Uint8Array, from: number): number {
    let i = from;
    if (this.#escape) {
      this.#escape = false;
      i++;
    }
    for (;;) {
      const quote = bytes.indexOf(QUOTE, i);
      const slash = bytes.indexOf(BACKSLASH, i);
      if (slash >= 0 && (quote < 0 || slash < quote)) {
        if (slash + 1 >= bytes.length) {
          this.#escape = true;
          break;
        }
        i = slash + 2;
        continue;
      }
      if (quote < 0) break;
      if (quote > from) this.#target()?.raw(bytes.subarray(from, quote));
      return quote + 1;
    }
    if (from < bytes.length) this.#target()?.raw(bytes.subarray(from));
    return -1;
  }

  #target(): StringSink | undefined {
    return this.#key ?? this.#sink;
  }

  // True when the string had a caller's sink (feed stops there).
  #closeString(): boolean {
    this.#inString = false;
    const key = this.#key;
    if (key !== undefined) {
      this.#key = undefined;
      key.end();
      const top = this.#stack.at(-1);
      if (top?.kind === "object") top.key = key.value ?? "";
      return false;
    }
    const sink = this.#sink;
    this.#sink = undefined;
    this.#valueDone();
    sink?.end();
    return sink !== undefined;
  }

  #structure(bytes: Uint8Array, at: number): number {
    const char = String.fromCharCode(bytes[at] ?? 0);
    if (this.#literal) {
      if (LITERAL.test(char)) return at + 1;
      this.#literal = false;
      this.#valueDone();
    }
    const top = this.#stack.at(-1);
    switch (char) {
      case " ":
      case "\t":
      case "\n":
      case "\r":
        break;
      case "{":
        this.#open({ kind: "object", key: undefined, expectKey: true });
        break;
      case "[":
        this.#open({ kind: "array", index: 0 });
        break;
      case "}":
      case "]":
        if (top?.kind !== (char === "}" ? "object" : "array")) throw notJson();
        this.#stack.pop();
        this.#valueDone();
        break;
      case ",":
        if (top === undefined) throw notJson();
        if (top.kind === "object") top.expectKey = true;
        else top.index++;
        break;
      case ":":
        if (top?.kind !== "object") throw notJson();
        break;
      case '"':
        this.#startString(top);
        break;
      default:
        if (!LITERAL.test(char) || this.#done) throw notJson();
        this.#literal = true;
    }
    return at + 1;
  }

  #open(frame: Frame): void {
    if (this.#done) throw notJson();
    this.#stack.push(frame);
  }

  #startString(top: Frame | undefined): void {
    if (this.#done) throw notJson();
    this.#inString = true;
    if (top?.kind === "object" && top.expectKey) {
      top.expectKey = false;
      this.#key = new CaptureSink(MAX_KEY_BYTES);
      return;
    }
    this.#sink = this.#sinkFor(this.#path());
  }

  #path(): JsonPath {
    return this.#stack.map((f) => f.kind === "object" ? f.key ?? "" : f.index);
  }

  #valueDone(): void {
    if (this.#stack.length === 0) this.#done = true;
  }
}

function notJson(): ComfyOutputError {
  return new ComfyOutputError(
    "ComfyUI-Connect sent an answer that is not JSON",
  );
}

/** Joins byte chunks into one array. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

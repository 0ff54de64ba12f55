/**
 * A streaming `multipart/form-data` reader for the fake Telegram server.
 *
 * Why not `request.formData()`: it parses the whole body in one go once it
 * has arrived, which blocks the event loop about 6 ms per MB (290 ms for a
 * 45 MB video on the CI machine). The fake's other requests are stamped
 * only after such a block, so its flood control saw calls closer together
 * than the bot had sent them. Here each chunk is scanned as it arrives and
 * a file's bytes are only counted unless they are kept.
 *
 * @module
 */

/** One part of a multipart body. */
export interface MultipartPart {
  /** The part's `name`. */
  readonly name: string;
  /** Set for file parts (`filename=` in Content-Disposition). */
  readonly filename?: string;
  /** The part's Content-Type, or "". */
  readonly type: string;
  /** Size in bytes of the part's content. */
  readonly size: number;
  /** Text of a field part. */
  readonly value?: string;
  /** Content of a file part, when kept. */
  readonly bytes?: Uint8Array;
}

/** Thrown on a body that is not valid multipart. */
export class MultipartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MultipartError";
  }
}

const CRLF = new Uint8Array([13, 10]);
const HEADERS_END = new Uint8Array([13, 10, 13, 10]);
// A part's headers are a few hundred bytes; more is not a Bot API call.
const MAX_HEADERS = 16 * 1024;

/** Where `needle` first occurs in `hay`, or -1 (a plain scan, for short texts). */
export function indexOfBytes(hay: Uint8Array, needle: Uint8Array): number {
  const first = needle[0] ?? 0;
  const last = hay.length - needle.length;
  // Bounded: each round moves `at` forward by at least one.
  for (let at = hay.indexOf(first); at !== -1 && at <= last;) {
    let i = 1;
    while (i < needle.length && hay[at + i] === needle[i]) i++;
    if (i === needle.length) return at;
    at = hay.indexOf(first, at + 1);
  }
  return -1;
}

/**
 * A Boyer-Moore-Horspool search for `needle`: it skips up to the needle's
 * length at each step, so a video is scanned in about 0.3 ms per MB where
 * `Uint8Array.prototype.indexOf` on its first byte takes several.
 */
export function searcher(needle: Uint8Array): (hay: Uint8Array) => number {
  const m = needle.length;
  const skip = new Uint32Array(256).fill(m);
  for (let i = 0; i < m - 1; i++) skip[needle[i] ?? 0] = m - 1 - i;
  const lastByte = needle[m - 1];
  return (hay) => {
    // Bounded: each round moves `at` forward by at least one.
    for (let at = 0; at <= hay.length - m;) {
      const c = hay[at + m - 1] ?? 0;
      if (c === lastByte) {
        let i = m - 2;
        while (i >= 0 && hay[at + i] === needle[i]) i--;
        if (i < 0) return at;
      }
      at += skip[c] ?? m;
    }
    return -1;
  };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

interface Current {
  name: string;
  filename?: string;
  type: string;
  size: number;
  chunks: Uint8Array[] | undefined;
}

/**
 * Reads the parts of a multipart body with `boundary` from `body`; file
 * contents are kept only when `keepFiles` is set (their size always).
 */
export async function readMultipart(
  body: ReadableStream<Uint8Array>,
  boundary: string,
  keepFiles: boolean,
): Promise<MultipartPart[]> {
  const parser = new MultipartParser(boundary, keepFiles);
  // Bounded by the body. (A BYOB reader with a 1 MB buffer reads fewer,
  // bigger chunks but stalled the loop up to 280 ms with four 45 MB
  // uploads at once, against 60 ms for the default 64 KB chunks.)
  for await (const chunk of body) parser.push(chunk);
  return parser.end();
}

type State = "preamble" | "after" | "headers" | "content" | "done";

/** The parser behind {@link readMultipart}: bytes in, parts out. */
class MultipartParser {
  readonly #delimiter: Uint8Array;
  readonly #find: (hay: Uint8Array) => number;
  readonly #keepFiles: boolean;
  readonly #parts: MultipartPart[] = [];
  // The body starts with `--boundary`: a leading CRLF makes it a delimiter.
  #pending: Uint8Array = CRLF;
  #state: State = "preamble";
  #current: Current | undefined;

  constructor(boundary: string, keepFiles: boolean) {
    this.#delimiter = new TextEncoder().encode(`\r\n--${boundary}`);
    this.#find = searcher(this.#delimiter);
    this.#keepFiles = keepFiles;
  }

  push(chunk: Uint8Array): void {
    if (this.#state === "done") return;
    this.#pending = concat(this.#pending, chunk);
    // Bounded: each step consumes bytes or asks for more.
    while (this.#step());
  }

  end(): MultipartPart[] {
    if (this.#state !== "done") {
      throw new MultipartError("unexpected end of body");
    }
    return this.#parts;
  }

  // Consumes what is pending; false when it needs more bytes.
  #step(): boolean {
    switch (this.#state) {
      case "preamble":
      case "content":
        return this.#untilDelimiter();
      case "after": {
        const pending = this.#pending;
        if (pending.length < 2) return false;
        if (pending[0] === 45 && pending[1] === 45) this.#state = "done";
        else if (pending[0] === 13 && pending[1] === 10) {
          this.#state = "headers";
        } else throw new MultipartError("malformed boundary line");
        this.#pending = pending.subarray(2);
        return true;
      }
      case "headers": {
        const end = indexOfBytes(this.#pending, HEADERS_END);
        if (end === -1) {
          if (this.#pending.length > MAX_HEADERS) {
            throw new MultipartError("part headers too long");
          }
          return false;
        }
        this.#current = parseHeaders(
          this.#pending.subarray(0, end),
          this.#keepFiles,
        );
        this.#pending = this.#pending.subarray(end + HEADERS_END.length);
        this.#state = "content";
        return true;
      }
      case "done":
        return false;
    }
  }

  // Content (or preamble) up to the next delimiter; all but a possible
  // start of the delimiter when it is not in yet.
  #untilDelimiter(): boolean {
    const pending = this.#pending;
    const at = this.#find(pending);
    if (at === -1) {
      const keep = Math.min(pending.length, this.#delimiter.length - 1);
      this.#emit(pending.subarray(0, pending.length - keep));
      this.#pending = pending.slice(pending.length - keep);
      return false;
    }
    this.#emit(pending.subarray(0, at));
    if (this.#current !== undefined) {
      this.#parts.push(finish(this.#current));
      this.#current = undefined;
    }
    this.#pending = pending.subarray(at + this.#delimiter.length);
    this.#state = "after";
    return true;
  }

  #emit(bytes: Uint8Array): void {
    const current = this.#current;
    if (current === undefined || bytes.length === 0) return;
    current.size += bytes.length;
    current.chunks?.push(bytes.slice());
  }
}

function parseHeaders(block: Uint8Array, keepFiles: boolean): Current {
  const text = new TextDecoder().decode(block);
  let disposition = "";
  let type = "";
  for (const line of text.split("\r\n")) {
    const colon = line.indexOf(":");
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (key === "content-disposition") disposition = value;
    else if (key === "content-type") type = value;
  }
  const name = param(disposition, "name");
  if (name === undefined) throw new MultipartError("part without a name");
  const filename = param(disposition, "filename");
  const isFile = filename !== undefined;
  return {
    name,
    ...(isFile ? { filename } : {}),
    type,
    size: 0,
    chunks: isFile && !keepFiles ? undefined : [],
  };
}

// A Content-Disposition parameter, quoted or not (grammY does not quote
// file names).
function param(disposition: string, key: string): string | undefined {
  const match = new RegExp(`(?:^|;)\\s*${key}=(?:"([^"]*)"|([^;]*))`, "i")
    .exec(disposition);
  if (match === null) return undefined;
  return match[1] ?? match[2]?.trim();
}

function finish(part: Current): MultipartPart {
  const bytes = part.chunks === undefined ? undefined : joined(part.chunks);
  const base = { name: part.name, type: part.type, size: part.size };
  if (part.filename === undefined) {
    return { ...base, value: new TextDecoder().decode(bytes) };
  }
  return {
    ...base,
    filename: part.filename,
    ...(bytes === undefined ? {} : { bytes }),
  };
}

function joined(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/**
 * The shape of a JSON document (`{a,b:{c},d:[3]}`: keys and nesting, array
 * lengths, never a value), read as it streams by. The DEBUG log of ComfyUI
 * exchanges uses it on answers that can be tens of megabytes of base64
 * (ComfyUI-Connect's): parsing them whole would hold the body in memory
 * once more and delay the caller until the last byte.
 *
 * @module
 */

const MAX_KEYS = 12;
const MAX_DEPTH = 3;
const MAX_KEY_LENGTH = 64;

const LITERAL = /[-+.0-9a-zA-Z]/;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

/** `{a,b:{c},d:[3]}` for a parsed value (same text as {@link ShapeScanner}). */
export function shapeOf(value: unknown, depth = 0): string {
  if (Array.isArray(value)) return `[${value.length}]`;
  if (typeof value !== "object" || value === null) return typeof value;
  if (depth >= MAX_DEPTH) return "{…}";
  const entries = Object.entries(value);
  const parts = entries.slice(0, MAX_KEYS).map(([key, v]) =>
    typeof v === "object" && v !== null
      ? `${key}:${shapeOf(v, depth + 1)}`
      : key
  );
  if (entries.length > MAX_KEYS) parts.push(`…${entries.length - MAX_KEYS}`);
  return `{${parts.join(",")}}`;
}

// A key as JSON.parse gives it; raw if cut inside an escape.
function unescaped(raw: string): string {
  if (!raw.includes("\\")) return raw;
  try {
    return JSON.parse(`"${raw}"`);
  } catch {
    return raw;
  }
}

interface Frame {
  readonly array: boolean;
  readonly depth: number;
  readonly parts: string[];
  /** Keys (objects) or elements (arrays) begun so far. */
  count: number;
  key: string;
  expectKey: boolean;
  /** Inside a value that has begun and not ended at a comma. */
  inValue: boolean;
}

/**
 * Reads a JSON text piece by piece in constant memory (strings are skipped,
 * keys kept up to 64 characters) and tells its shape at the end. It checks
 * structure only as far as the shape needs: a text that is not JSON reads
 * as `not JSON` or `truncated`, never as an exception.
 */
export class ShapeScanner {
  readonly #stack: Frame[] = [];
  #root: string | undefined;
  #broken = false;
  #inString = false;
  #escape = false;
  #key: number[] | undefined;
  #literal = false;
  readonly #decoder = new TextDecoder();
  #bytes = false;

  /** Feeds bytes of UTF-8 text. */
  pushBytes(chunk: Uint8Array): void {
    this.#bytes = true;
    for (let i = 0; i < chunk.length && !this.#broken; i++) {
      this.#code(chunk[i] as number);
    }
  }

  /** Feeds text. */
  pushText(text: string): void {
    for (let i = 0; i < text.length && !this.#broken; i++) {
      this.#code(text.charCodeAt(i));
    }
  }

  /** The shape of what was fed, `truncated` or `not JSON`. */
  shape(): string {
    if (this.#broken) return "not JSON";
    if (this.#stack.length > 0 || this.#inString) return "truncated";
    return this.#root ?? "not JSON";
  }

  #code(code: number): void {
    if (this.#inString) return this.#stringCode(code);
    if (isSpace(code)) return;
    const top = this.#stack.at(-1);
    if (top === undefined && this.#root !== undefined) {
      // The rest of a literal document (`123`, `true`), or trailing junk.
      if (this.#literal && LITERAL.test(String.fromCharCode(code))) return;
      this.#broken = true;
      return;
    }
    if (code === QUOTE) {
      this.#inString = true;
      if (top !== undefined && !top.array && top.expectKey) {
        top.expectKey = false;
        this.#key = [];
      } else this.#valueStart(top, false);
    } else if (code === COMMA && top !== undefined) {
      top.inValue = false;
      top.expectKey = !top.array;
    } else if (code === OPEN_OBJECT || code === OPEN_ARRAY) {
      this.#valueStart(top, true);
      this.#stack.push({
        array: code === OPEN_ARRAY,
        depth: this.#stack.length,
        parts: [],
        count: 0,
        key: "",
        expectKey: code === OPEN_OBJECT,
        inValue: false,
      });
    } else if (code === CLOSE_OBJECT || code === CLOSE_ARRAY) {
      this.#close(code === CLOSE_ARRAY);
    } else if (code !== 0x3a) { // not ':': a number, true, false, null
      if (top === undefined) this.#literalRoot(code);
      else if (!top.inValue) this.#valueStart(top, false);
    }
  }

  #stringCode(code: number): void {
    if (this.#escape) this.#escape = false;
    else if (code === BACKSLASH) this.#escape = true;
    else if (code === QUOTE) {
      this.#inString = false;
      const top = this.#stack.at(-1);
      if (this.#key !== undefined && top !== undefined) {
        top.key = unescaped(
          this.#bytes
            ? this.#decoder.decode(Uint8Array.from(this.#key))
            : String.fromCharCode(...this.#key),
        );
        this.#key = undefined;
      } else if (top === undefined) this.#root = "string";
      return;
    }
    if (this.#key !== undefined && this.#key.length < MAX_KEY_LENGTH) {
      this.#key.push(code);
    }
  }

  // The document is a number, true, false or null (typeof's names).
  #literalRoot(code: number): void {
    const first = String.fromCharCode(code);
    this.#literal = true;
    if (/[-0-9]/.test(first)) this.#root = "number";
    else if (first === "t" || first === "f") this.#root = "boolean";
    else if (first === "n") this.#root = "object";
    else this.#broken = true;
  }

  // A value begins in `top` (undefined: the document itself).
  #valueStart(top: Frame | undefined, container: boolean): void {
    if (top === undefined) return;
    if (top.inValue && top.array) return;
    top.inValue = true;
    top.count++;
    if (!top.array && !container && top.count <= MAX_KEYS) {
      top.parts.push(top.key);
    }
  }

  #close(array: boolean): void {
    const frame = this.#stack.pop();
    if (frame === undefined || frame.array !== array) {
      this.#broken = true;
      return;
    }
    const shape = frame.array
      ? `[${frame.count}]`
      : frame.depth >= MAX_DEPTH
      ? "{…}"
      : `{${
        [
          ...frame.parts,
          ...(frame.count > MAX_KEYS ? [`…${frame.count - MAX_KEYS}`] : []),
        ].join(",")
      }}`;
    const parent = this.#stack.at(-1);
    if (parent === undefined) this.#root = shape;
    else if (!parent.array && parent.count <= MAX_KEYS) {
      parent.parts.push(`${parent.key}:${shape}`);
    }
  }
}

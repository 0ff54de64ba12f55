/**
 * Width, height and duration of an MP4 from its boxes (ISO/IEC 14496-12):
 * `moov/mvhd` holds the duration, the video track's `tkhd` its display
 * size. Used when ffmpeg is not installed. Only box headers and the `moov`
 * box are read: `mdat` (the frames) is skipped with a seek.
 *
 * @module
 */

/** What Telegram shows a video as before it has processed it. */
export interface VideoDimensions {
  readonly width: number;
  readonly height: number;
  /** Whole seconds, at least 1 for any non-empty video. */
  readonly duration: number;
}

// A moov box larger than this is not one a 10-second video has.
const MAX_MOOV_BYTES = 16 * 1024 * 1024;
// Top-level boxes walked at most (ftyp, free, mdat, moov, ... ).
const MAX_TOP_BOXES = 64;

function u32(b: Uint8Array, at: number): number {
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(at);
}

function u64(b: Uint8Array, at: number): number {
  return u32(b, at) * 2 ** 32 + u32(b, at + 4);
}

function boxType(b: Uint8Array, at: number): string {
  return String.fromCharCode(...b.subarray(at + 4, at + 8));
}

/** The child boxes of `[from, to)` of `b`, as [type, start, end] of bodies. */
function* children(
  b: Uint8Array,
  from: number,
  to: number,
): Generator<[string, number, number]> {
  let at = from;
  for (let guard = 0; guard < 10_000 && at + 8 <= to; guard++) {
    let size = u32(b, at);
    let header = 8;
    if (size === 1 && at + 16 <= to) {
      size = u64(b, at + 8);
      header = 16;
    } else if (size === 0) size = to - at;
    if (size < header || at + size > to) return;
    yield [boxType(b, at), at + header, at + size];
    at += size;
  }
}

function mvhdSeconds(b: Uint8Array, at: number): number | undefined {
  const v1 = b[at] === 1;
  const timescale = u32(b, at + (v1 ? 20 : 12));
  const duration = v1 ? u64(b, at + 24) : u32(b, at + 16);
  if (timescale === 0) return undefined;
  return duration / timescale;
}

function tkhdSize(b: Uint8Array, at: number, end: number) {
  // width and height: the last 8 bytes, 16.16 fixed point.
  if (end - at < 84) return undefined;
  const width = Math.round(u32(b, end - 8) / 65536);
  const height = Math.round(u32(b, end - 4) / 65536);
  return width > 0 && height > 0 ? { width, height } : undefined;
}

/** Reads the dimensions from the body of a `moov` box. */
export function moovDimensions(
  moov: Uint8Array,
): VideoDimensions | undefined {
  let seconds: number | undefined;
  let size: { width: number; height: number } | undefined;
  for (const [type, start, end] of children(moov, 0, moov.length)) {
    if (type === "mvhd" && end - start >= 32) {
      seconds = mvhdSeconds(moov, start);
    }
    if (type !== "trak" || size !== undefined) continue;
    for (const [inner, s, e] of children(moov, start, end)) {
      if (inner === "tkhd") size = tkhdSize(moov, s, e);
    }
  }
  if (seconds === undefined || size === undefined) return undefined;
  return { ...size, duration: Math.max(1, Math.round(seconds)) };
}

/**
 * The dimensions of the MP4 at `path`, or undefined when it has no
 * readable `moov` with a video track (a WebM, a broken file).
 */
export async function mp4Dimensions(
  path: string,
): Promise<VideoDimensions | undefined> {
  using file = await Deno.open(path, { read: true });
  const header = new Uint8Array(16);
  let at = 0;
  for (let i = 0; i < MAX_TOP_BOXES; i++) {
    await file.seek(at, Deno.SeekMode.Start);
    if (await readFull(file, header) < 8) return undefined;
    let size = u32(header, 0);
    let headerSize = 8;
    if (size === 1) {
      size = u64(header, 8);
      headerSize = 16;
    }
    if (size < headerSize) return undefined;
    if (boxType(header, 0) === "moov") {
      if (size > MAX_MOOV_BYTES) return undefined;
      const body = new Uint8Array(size - headerSize);
      await file.seek(at + headerSize, Deno.SeekMode.Start);
      if (await readFull(file, body) < body.length) return undefined;
      return moovDimensions(body);
    }
    at += size;
  }
  return undefined;
}

async function readFull(file: Deno.FsFile, into: Uint8Array): Promise<number> {
  let got = 0;
  while (got < into.length) {
    const n = await file.read(into.subarray(got));
    if (n === null) break;
    got += n;
  }
  return got;
}

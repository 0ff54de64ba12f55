/**
 * The true shape of a finished video for sendVideo: width, height and
 * duration (so Telegram shows it in its real proportions before it has
 * processed it) and a JPEG thumbnail (so the chat shows a frame, not a
 * grey box). With ffmpeg one run reads the stream's size and duration and
 * writes the first frame; without it the MP4 header gives the size and
 * duration and no thumbnail is sent.
 *
 * @module
 */

import { type RunProgram, runProgram } from "./ffmpeg.ts";
import { mp4Dimensions, type VideoDimensions } from "./mp4_header.ts";

export type { VideoDimensions } from "./mp4_header.ts";

/** What sendVideo is told about a video. */
export interface VideoShape extends Partial<VideoDimensions> {
  /** A JPEG frame, at most {@link THUMBNAIL_MAX_SIDE} px a side. */
  readonly thumbnail?: Uint8Array;
}

/** Telegram's limits for a thumbnail: 320 px a side, 200 kB. */
export const THUMBNAIL_MAX_SIDE = 320;
export const THUMBNAIL_MAX_BYTES = 200 * 1024;
/** ffmpeg gets this long for one frame; a stuck run must not hold the video. */
export const PROBE_TIMEOUT_MS = 30_000;

/** Options of {@link probeVideo}. */
export interface ProbeOptions {
  /** ffmpeg's path, or undefined when it is not installed. */
  readonly ffmpeg: string | undefined;
  /** A fresh path for the thumbnail (removed afterwards). */
  readonly tempPath: () => Promise<string>;
  readonly run?: RunProgram;
}

/**
 * Reads the shape of the video at `path`. Never throws: a video whose
 * shape cannot be read is still sent, as before, with what is known.
 */
export async function probeVideo(
  path: string,
  options: ProbeOptions,
): Promise<VideoShape> {
  const header = await mp4Dimensions(path).catch(() => undefined);
  if (options.ffmpeg === undefined) return header ?? {};
  const out = await options.tempPath();
  try {
    const result = await (options.run ?? runProgram)(options.ffmpeg, [
      "-hide_banner",
      "-y",
      "-i",
      path,
      "-frames:v",
      "1",
      "-vf",
      `scale=${THUMBNAIL_MAX_SIDE}:${THUMBNAIL_MAX_SIDE}` +
      ":force_original_aspect_ratio=decrease",
      "-q:v",
      "5",
      "-f",
      "mjpeg",
      out,
    ], AbortSignal.timeout(PROBE_TIMEOUT_MS));
    const probed = parseFfmpegInfo(result.stderr) ?? header;
    const thumbnail = result.code === 0
      ? await Deno.readFile(out).catch(() => undefined)
      : undefined;
    const fits = thumbnail !== undefined && thumbnail.length > 0 &&
      thumbnail.length <= THUMBNAIL_MAX_BYTES;
    return { ...probed, ...(fits ? { thumbnail } : {}) };
  } catch {
    return header ?? {};
  } finally {
    await Deno.remove(out).catch(() => {});
  }
}

/**
 * The first video stream's size and the input's duration from ffmpeg's
 * report on stderr (`Duration: 00:00:05.04` and `Video: …, 832x480`).
 */
export function parseFfmpegInfo(
  stderr: string,
): VideoDimensions | undefined {
  const input = stderr.split(/^Output #0/m)[0] ?? "";
  const time = /Duration: (\d+):(\d{2}):(\d{2}(?:\.\d+)?)/.exec(input);
  const size = /Stream #0:\d+[^\n]*?: Video: [^\n]*?, (\d{2,5})x(\d{2,5})\b/
    .exec(input);
  if (time === null || size === null) return undefined;
  const seconds = Number(time[1]) * 3600 + Number(time[2]) * 60 +
    Number(time[3]);
  return {
    width: Number(size[1]),
    height: Number(size[2]),
    duration: Math.max(1, Math.round(seconds)),
  };
}

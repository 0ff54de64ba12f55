import { type RunProgram, runProgram } from "../media/mod.ts";
import type { VideoFile, VideoSpool } from "../comfy/mod.ts";
import { JobError } from "./errors.ts";

/** The Bot API refuses uploads larger than this. */
export const TELEGRAM_UPLOAD_LIMIT = 50 * 1024 * 1024;

/** Options of {@link fitForTelegram}. */
export interface FitOptions {
  readonly durationSeconds: number;
  /** Where a re-encoded video goes. */
  readonly spool: VideoSpool;
  /** ffmpeg's path, or undefined when it is not installed. */
  readonly ffmpeg: string | undefined;
  readonly limit?: number;
  readonly run?: RunProgram;
}

/**
 * Makes `video` fit Telegram's upload limit: a larger one is re-encoded
 * with ffmpeg to a bitrate that fits (a new file; the caller still owns
 * and discards the original), or refused with the reason `too_big`. That
 * it is a video Telegram clients play (MP4 or WebM by its header) the
 * spool checked already.
 */
export async function fitForTelegram(
  video: VideoFile,
  options: FitOptions,
): Promise<{ video: VideoFile; reencoded: boolean }> {
  const limit = options.limit ?? TELEGRAM_UPLOAD_LIMIT;
  if (video.size <= limit) return { video, reencoded: false };
  if (options.ffmpeg === undefined) {
    throw new JobError("too_big", `The video is ${video.size} bytes`);
  }
  // 90 % of the limit leaves room for the container; a pass that still
  // overshoots (rate control on noisy footage) is redone lower.
  let bits = limit * 8 * 0.9;
  for (let pass = 0; pass < 2; pass++) {
    const fitted = await reencode(video, bits, options);
    if (fitted.size <= limit) return { video: fitted, reencoded: true };
    await fitted.discard();
    bits = bits * (limit / fitted.size) * 0.85;
  }
  throw new JobError("too_big", `Still over ${limit} bytes after re-encoding`);
}

async function reencode(
  video: VideoFile,
  bits: number,
  options: FitOptions,
): Promise<VideoFile> {
  const kbps = Math.max(16, Math.floor(bits / options.durationSeconds / 1000));
  const output = await options.spool.newPath();
  const result = await (options.run ?? runProgram)(options.ffmpeg as string, [
    "-hide_banner",
    "-loglevel",
    "error",
    "-y",
    "-i",
    video.path,
    "-c:v",
    "libx264",
    "-preset",
    "veryfast",
    "-b:v",
    `${kbps}k`,
    "-maxrate",
    `${kbps}k`,
    "-bufsize",
    `${kbps}k`,
    "-pix_fmt",
    "yuv420p",
    "-an",
    "-movflags",
    "+faststart",
    output,
  ]).catch(async (error) => {
    await Deno.remove(output).catch(() => {});
    throw error;
  });
  if (result.code !== 0) {
    await Deno.remove(output).catch(() => {});
    throw new JobError(
      "too_big",
      `ffmpeg failed: ${result.stderr.slice(0, 200)}`,
    );
  }
  // adopt() removes what is missing or not a video.
  return await options.spool.adopt(output);
}

import { ComfyOutputError } from "../comfy/errors.ts";
import { type RunProgram, runProgram } from "../comfy/preview.ts";
import { detectVideo } from "../media.ts";
import { JobError } from "./errors.ts";

/** The Bot API refuses uploads larger than this. */
export const TELEGRAM_UPLOAD_LIMIT = 50 * 1024 * 1024;

/** Options of {@link fitForTelegram}. */
export interface FitOptions {
  readonly durationSeconds: number;
  /** Work folder; a fresh subfolder per video, always removed. */
  readonly tempDir: string;
  /** ffmpeg's path, or undefined when it is not installed. */
  readonly ffmpeg: string | undefined;
  readonly limit?: number;
  readonly run?: RunProgram;
}

/**
 * Checks that `video` is a video Telegram clients play (MP4 or WebM by its
 * header) and fits the upload limit; a larger one is re-encoded with
 * ffmpeg to a bitrate that fits, or refused with the reason `too_big`.
 */
export async function fitForTelegram(
  video: Uint8Array,
  options: FitOptions,
): Promise<{ video: Uint8Array; reencoded: boolean }> {
  if (detectVideo(video) === undefined) {
    throw new ComfyOutputError(
      `The workflow output is not a video (${video.length} bytes)`,
    );
  }
  const limit = options.limit ?? TELEGRAM_UPLOAD_LIMIT;
  if (video.length <= limit) return { video, reencoded: false };
  if (options.ffmpeg === undefined) {
    throw new JobError("too_big", `The video is ${video.length} bytes`);
  }
  // 90 % of the limit leaves room for the container; a pass that still
  // overshoots (rate control on noisy footage) is redone lower.
  let bits = limit * 8 * 0.9;
  for (let pass = 0; pass < 2; pass++) {
    const fitted = await reencode(video, bits, options);
    if (fitted.length <= limit) return { video: fitted, reencoded: true };
    bits = bits * (limit / fitted.length) * 0.85;
  }
  throw new JobError("too_big", `Still over ${limit} bytes after re-encoding`);
}

async function reencode(
  video: Uint8Array,
  bits: number,
  options: FitOptions,
): Promise<Uint8Array> {
  const kbps = Math.max(16, Math.floor(bits / options.durationSeconds / 1000));
  await Deno.mkdir(options.tempDir, { recursive: true });
  const dir = await Deno.makeTempDir({ dir: options.tempDir, prefix: "fit-" });
  try {
    await Deno.writeFile(`${dir}/in`, video);
    const result = await (options.run ?? runProgram)(options.ffmpeg as string, [
      "-hide_banner",
      "-loglevel",
      "error",
      "-y",
      "-i",
      `${dir}/in`,
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
      `${dir}/out.mp4`,
    ]);
    if (result.code !== 0) {
      throw new JobError(
        "too_big",
        `ffmpeg failed: ${result.stderr.slice(0, 200)}`,
      );
    }
    return await Deno.readFile(`${dir}/out.mp4`);
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

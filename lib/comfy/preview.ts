import { imageDimensions } from "../media/mod.ts";
import { makePrivateDir, PRIVATE_FILE } from "../host/mod.ts";
import type {
  RecoverRequest,
  Renderer,
  RenderRequest,
  RenderResult,
} from "./types.ts";
import { ComfyError } from "./errors.ts";
import { type RunProgram, runProgram } from "../media/mod.ts";
import type { VideoSpool } from "./spool.ts";

/** Options of {@link PreviewRenderer}. */
export interface PreviewOptions {
  /** Where the photo goes for ffmpeg (a fresh folder per job, always removed). */
  readonly tempDir: string;
  /** Where the finished videos go. */
  readonly spool: VideoSpool;
  readonly ffmpeg?: string;
  readonly run?: RunProgram;
  readonly fps?: number;
}

/** Even output dimensions with the long side at `longSide`, as the photo. */
export function previewSize(
  photo: { width: number; height: number },
  longSide: number,
): { width: number; height: number } {
  const scale = longSide / Math.max(photo.width, photo.height);
  const even = (n: number) => Math.max(2, Math.round((n * scale) / 2) * 2);
  return { width: even(photo.width), height: even(photo.height) };
}

/** The ffmpeg filter: a slow zoom in with a gentle pan across the photo. */
export function previewFilter(
  size: { width: number; height: number },
  frames: number,
  fps: number,
): string {
  const { width, height } = size;
  // Scaling up first keeps zoompan's integer steps from shaking the image.
  return [
    `scale=${width * 2}:${height * 2}:flags=lanczos`,
    `zoompan=z='1+0.18*on/${frames}'` +
    `:x='(iw-iw/zoom)*(0.3+0.4*on/${frames})'` +
    `:y='(ih-ih/zoom)/2':d=1:s=${width}x${height}:fps=${fps}`,
    "format=yuv420p",
  ].join(",");
}

/**
 * The no-GPU backend: a zoom-and-pan animation of the photo made locally
 * by ffmpeg in a second or two. It is not AI, and every text the user
 * sees about its videos says so ({@link RenderResult.preview}).
 */
export class PreviewRenderer implements Renderer {
  readonly #o: PreviewOptions;

  constructor(options: PreviewOptions) {
    this.#o = options;
  }

  /** Makes the preview video. */
  async render(request: RenderRequest): Promise<RenderResult> {
    const photo = imageDimensions(request.image);
    if (photo === undefined) {
      throw new ComfyError("job_failed", "The photo cannot be read");
    }
    const fps = this.#o.fps ?? 24;
    const frames = Math.max(1, Math.round(request.durationSeconds * fps));
    const size = previewSize(photo, request.sizePx);
    await makePrivateDir(this.#o.tempDir);
    const dir = await Deno.makeTempDir({
      dir: this.#o.tempDir,
      prefix: "preview-",
    });
    const output = await this.#o.spool.newPath();
    try {
      await Deno.writeFile(`${dir}/input`, request.image, {
        mode: PRIVATE_FILE,
      });
      const args = [
        "-hide_banner",
        "-loglevel",
        "error",
        "-y",
        "-loop",
        "1",
        "-framerate",
        String(fps),
        "-i",
        `${dir}/input`,
        "-vf",
        previewFilter(size, frames, fps),
        "-frames:v",
        String(frames),
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-crf",
        "26",
        "-movflags",
        "+faststart",
        output,
      ];
      const run = this.#o.run ?? runProgram;
      const result = await run(
        this.#o.ffmpeg ?? "ffmpeg",
        args,
        request.signal,
      );
      if (result.code !== 0) {
        throw new ComfyError(
          "job_failed",
          `ffmpeg failed (${result.code}): ${
            result.stderr.trim().slice(0, 300)
          }`,
        );
      }
      // adopt() removes what is not a video.
      return {
        file: await this.#o.spool.adopt(output),
        via: "direct",
        preview: true,
      };
    } catch (error) {
      await Deno.remove(output).catch(() => {});
      throw error;
    } finally {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  }

  /** A preview takes seconds: after a restart it is simply made again. */
  recover(_request: RecoverRequest): Promise<"lost"> {
    return Promise.resolve("lost");
  }

  /** Nothing runs elsewhere; aborting the request's signal stops ffmpeg. */
  cancel(_clientId: string): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * Output checks with the real ffmpeg (CI installs Debian's ffmpeg; without
 * it, outside CI, the re-encoding test is skipped and says so).
 */

import assert from "node:assert/strict";
import { ComfyOutputError } from "../../lib/comfy/errors.ts";
import { ffmpegAvailable } from "../../lib/comfy/preview.ts";
import { JobError } from "../../lib/jobs/errors.ts";
import { fitForTelegram } from "../../lib/jobs/output_check.ts";
import { detectVideo } from "../../lib/media.ts";
import { SAMPLE_JPEG, SAMPLE_MP4 } from "../fixtures/media.ts";

const hasFfmpeg = await ffmpegAvailable();
if (!hasFfmpeg && Deno.env.get("CI") === "true") {
  throw new Error("CI must have ffmpeg installed (.ci/run installs it)");
}

async function withTemp<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "lora-fit-" });
  try {
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("fitForTelegram() passes a video under the limit untouched", async () => {
  await withTemp(async (tempDir) => {
    const out = await fitForTelegram(SAMPLE_MP4, {
      durationSeconds: 2,
      tempDir,
      ffmpeg: undefined,
    });
    assert.equal(out.video, SAMPLE_MP4);
    assert.equal(out.reencoded, false);
  });
});

Deno.test("fitForTelegram() refuses what is not a video", async () => {
  await withTemp(async (tempDir) => {
    await assert.rejects(
      fitForTelegram(SAMPLE_JPEG, {
        durationSeconds: 2,
        tempDir,
        ffmpeg: "ffmpeg",
      }),
      ComfyOutputError,
    );
  });
});

Deno.test("fitForTelegram() without ffmpeg refuses a video over the limit", async () => {
  await withTemp(async (tempDir) => {
    await assert.rejects(
      fitForTelegram(SAMPLE_MP4, {
        durationSeconds: 2,
        tempDir,
        ffmpeg: undefined,
        limit: 1000,
      }),
      (e: unknown) => e instanceof JobError && e.reason === "too_big",
    );
  });
});

Deno.test({
  name:
    "fitForTelegram() re-encodes a video over the limit to fit, with ffmpeg",
  ignore: !hasFfmpeg,
  async fn() {
    await withTemp(async (tempDir) => {
      // A busy 3 s clip encoded at a high bitrate, then a quarter as limit.
      const big = `${tempDir}/big.mp4`;
      const made = await new Deno.Command("ffmpeg", {
        args: [
          "-v",
          "error",
          "-f",
          "lavfi",
          "-i",
          "testsrc2=size=320x240:rate=24,noise=alls=30:allf=t",
          "-t",
          "3",
          "-c:v",
          "libx264",
          "-crf",
          "14",
          "-pix_fmt",
          "yuv420p",
          big,
        ],
      }).output();
      assert.equal(made.code, 0);
      const video = await Deno.readFile(big);
      await Deno.remove(big);
      const limit = Math.floor(video.length / 4);
      const out = await fitForTelegram(video, {
        durationSeconds: 3,
        tempDir,
        ffmpeg: "ffmpeg",
        limit,
      });
      assert.equal(out.reencoded, true);
      assert.ok(out.video.length <= limit, `${out.video.length} > ${limit}`);
      assert.equal(detectVideo(out.video), "mp4");
      // The work folder is cleaned up.
      assert.deepEqual(await Array.fromAsync(Deno.readDir(tempDir)), []);
    });
  },
});

/**
 * Output checks with the real ffmpeg (CI installs Debian's ffmpeg; without
 * it, outside CI, the re-encoding test is skipped and says so).
 */

import assert from "node:assert/strict";
import { ffmpegAvailable } from "../../lib/media/mod.ts";
import { JobError } from "../../lib/jobs/errors.ts";
import { fitForTelegram } from "../../lib/jobs/output_check.ts";
import { detectVideo } from "../../lib/media/detect.ts";
import { SAMPLE_MP4 } from "../fixtures/media.ts";
import { spoolFiles, tempSpool } from "../fixtures/spool.ts";

const hasFfmpeg = await ffmpegAvailable();
if (!hasFfmpeg && Deno.env.get("CI") === "true") {
  throw new Error("CI must have ffmpeg installed (.ci/run installs it)");
}

Deno.test("fitForTelegram() passes a video under the limit untouched", async () => {
  const spool = tempSpool();
  const video = await spool.write(SAMPLE_MP4);
  const out = await fitForTelegram(video, {
    durationSeconds: 2,
    spool,
    ffmpeg: undefined,
  });
  assert.equal(out.video, video);
  assert.equal(out.reencoded, false);
  await video.discard();
});

Deno.test("fitForTelegram() without ffmpeg refuses a video over the limit", async () => {
  const spool = tempSpool();
  const video = await spool.write(SAMPLE_MP4);
  await assert.rejects(
    fitForTelegram(video, {
      durationSeconds: 2,
      spool,
      ffmpeg: undefined,
      limit: 1000,
    }),
    (e: unknown) => e instanceof JobError && e.reason === "too_big",
  );
  await video.discard();
  assert.deepEqual(await spoolFiles(spool), []);
});

Deno.test({
  name:
    "fitForTelegram() re-encodes a video over the limit to fit, with ffmpeg",
  ignore: !hasFfmpeg,
  async fn() {
    {
      const spool = tempSpool();
      // A busy 3 s clip encoded at a high bitrate, then a quarter as limit.
      const big = await spool.newPath();
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
      const video = await spool.adopt(big);
      const limit = Math.floor(video.size / 4);
      const out = await fitForTelegram(video, {
        durationSeconds: 3,
        spool,
        ffmpeg: "ffmpeg",
        limit,
      });
      assert.equal(out.reencoded, true);
      assert.notEqual(out.video.path, video.path);
      assert.ok(out.video.size <= limit, `${out.video.size} > ${limit}`);
      assert.equal(detectVideo(await Deno.readFile(out.video.path)), "mp4");
      // The original stays the caller's; nothing else is left behind.
      assert.equal((await spoolFiles(spool)).length, 2);
      await video.discard();
      await out.video.discard();
      assert.deepEqual(await spoolFiles(spool), []);
    }
  },
});

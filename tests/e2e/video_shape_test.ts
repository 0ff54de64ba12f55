/**
 * Videos in their true shape: every delivered video carries width, height,
 * duration and a JPEG thumbnail (ffmpeg), or width, height and duration
 * from the MP4 header when ffmpeg is not installed.
 */

import assert from "node:assert/strict";
import { imageDimensions } from "../../lib/media/mod.ts";
import { SAMPLE_JPEG } from "../fixtures/media.ts";
import { startHarness } from "./harness.ts";

Deno.test("a delivered video carries width, height, duration and a thumbnail", async () => {
  await using h = await startHarness();
  const user = h.telegram.user(7101, { language_code: "en" });
  h.telegram.sendPhoto(user, SAMPLE_JPEG);
  const call = await h.telegram.waitForCall("sendVideo");
  // SAMPLE_MP4 is 160x120 and 2 s long, whatever the job asked for.
  assert.equal(call.params.width, 160);
  assert.equal(call.params.height, 120);
  assert.equal(call.params.duration, 2);
  const thumb = call.files.find((f) => f.field === "thumbnail");
  assert.ok(thumb?.bytes, "no thumbnail uploaded");
  const size = imageDimensions(thumb.bytes);
  assert.ok(size, "the thumbnail is not an image");
  assert.equal(thumb.bytes[0], 0xff, "the thumbnail is not a JPEG");
  assert.ok(Math.max(size.width, size.height) <= 320);
  assert.ok(thumb.bytes.length <= 200 * 1024);
  // Telegram describes it with the thumbnail it got.
  const sent = h.telegram.chat(user.id).find((e) =>
    e.message.video !== undefined
  );
  assert.equal(sent?.message.video?.width, 160);
  assert.equal(sent?.message.video?.thumbnail?.width, size.width);
  await h.app.runner.idle();
});

Deno.test("without ffmpeg the MP4 header gives width, height and duration", async () => {
  await using h = await startHarness({ ffmpeg: null });
  const user = h.telegram.user(7102, { language_code: "en" });
  h.telegram.sendPhoto(user, SAMPLE_JPEG);
  const call = await h.telegram.waitForCall("sendVideo");
  assert.equal(call.params.width, 160);
  assert.equal(call.params.height, 120);
  assert.equal(call.params.duration, 2);
  assert.equal(call.files.some((f) => f.field === "thumbnail"), false);
  assert.equal(call.params.thumbnail, undefined);
  await h.app.runner.idle();
});

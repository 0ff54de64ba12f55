/** VideoSpool: videos streamed to disk, bounded, checked, never left over. */

import assert from "node:assert/strict";
import { ComfyOutputError } from "../../lib/comfy/errors.ts";
import { SAMPLE_JPEG, SAMPLE_MP4 } from "../fixtures/media.ts";
import { spoolFiles, tempSpool } from "../fixtures/spool.ts";

// A stream of `count` chunks of `size` bytes, the first one a video header.
function stream(count: number, size: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent === count) return controller.close();
      const chunk = new Uint8Array(size);
      if (sent === 0) chunk.set(SAMPLE_MP4.subarray(0, Math.min(size, 64)));
      sent++;
      controller.enqueue(chunk);
    },
  });
}

for (const declared of [false, true]) {
  const how = declared ? "piped natively (size declared)" : "counted chunks";
  Deno.test(`VideoSpool.write() streams into one file: ${how}`, async () => {
    const spool = tempSpool();
    const size = 40 * 64 * 1024;
    const video = await spool.write(
      stream(40, 64 * 1024),
      declared ? { declaredBytes: size } : {},
    );
    assert.equal(video.size, size);
    assert.equal(video.format, "mp4");
    assert.equal((await Deno.stat(video.path)).size, size);
    await video.discard();
    assert.deepEqual(await spoolFiles(spool), []);
  });

  Deno.test(`VideoSpool.write() leaves nothing when the stream fails: ${how}`, async () => {
    const spool = tempSpool();
    let pulls = 0;
    const failing = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulls++ === 2) {
          return controller.error(new Error("connection reset"));
        }
        controller.enqueue(SAMPLE_MP4);
      },
    });
    await assert.rejects(
      spool.write(failing, declared ? { declaredBytes: 1 << 20 } : {}),
      /connection reset/,
    );
    assert.deepEqual(await spoolFiles(spool), []);
  });
}

Deno.test("VideoSpool.write() takes bytes, and a file can be discarded twice", async () => {
  const spool = tempSpool();
  const video = await spool.write(SAMPLE_MP4);
  assert.equal(video.size, SAMPLE_MP4.length);
  assert.equal(video.format, "mp4");
  assert.equal((await Deno.stat(video.path)).size, video.size);
  await video.discard();
  await video.discard(); // twice is fine
  assert.deepEqual(await spoolFiles(spool), []);
});

Deno.test("VideoSpool.write() refuses more than maxBytes and leaves nothing", async () => {
  const spool = tempSpool();
  await assert.rejects(
    spool.write(stream(10, 1000), { maxBytes: 4500 }),
    (e: unknown) =>
      e instanceof ComfyOutputError && /larger than 4500/.test(e.message),
  );
  assert.deepEqual(await spoolFiles(spool), []);
});

Deno.test("VideoSpool.write() refuses what is not a video and leaves nothing", async () => {
  const spool = tempSpool();
  await assert.rejects(
    spool.write(SAMPLE_JPEG),
    (e: unknown) =>
      e instanceof ComfyOutputError && /not a video/.test(e.message),
  );
  assert.deepEqual(await spoolFiles(spool), []);
});

Deno.test("VideoSpool.adopt() takes a program's output and refuses a missing one", async () => {
  const spool = tempSpool();
  const path = await spool.newPath();
  await Deno.writeFile(path, SAMPLE_MP4);
  const video = await spool.adopt(path);
  assert.equal(video.size, SAMPLE_MP4.length);
  await video.discard();
  await assert.rejects(spool.adopt(await spool.newPath()), ComfyOutputError);
  const junk = await spool.newPath();
  await Deno.writeFile(junk, SAMPLE_JPEG);
  await assert.rejects(spool.adopt(junk), ComfyOutputError);
  assert.deepEqual(await spoolFiles(spool), []);
});

Deno.test("VideoSpool.sweep() removes what a killed process left, and only that", async () => {
  const spool = tempSpool();
  assert.equal(await spool.sweep(), 0);
  await spool.write(SAMPLE_MP4);
  await spool.write(SAMPLE_MP4);
  await Deno.writeTextFile(`${spool.dir}/notes.txt`, "keep");
  assert.equal(await spool.sweep(), 2);
  assert.deepEqual(await spoolFiles(spool), ["notes.txt"]);
});

/**
 * Photos are downloaded within bounds: a file that only claims to be an
 * image is refused from its first bytes (the rest is never pulled), and a
 * refused file makes its sender wait before the next photo is looked at.
 */

import assert from "node:assert/strict";
import { SAMPLE_JPEG, SAMPLE_PNG } from "../fixtures/media.ts";
import { journalKinds, startHarness } from "./harness.ts";

const MB = 1024 * 1024;

Deno.test("a 20 MB file claiming to be a JPEG is refused from its head; the sender then waits", async () => {
  await using h = await startHarness();
  const user = h.telegram.user(720, { first_name: "Eve", language_code: "en" });
  const fake = new Uint8Array(20 * MB - 1).fill(0x41);
  h.telegram.sendDocument(user, fake, {
    fileName: "holiday.jpg",
    mimeType: "image/jpeg",
  });
  const refused = await h.telegram.waitForCall("sendMessage", {
    where: (c) => /not an image we can read/.test(String(c.params.text)),
  });
  assert.equal(refused.params.chat_id, user.id);
  const [download] = h.telegram.downloads;
  assert.ok(download, "the head was downloaded");
  // Socket buffers let some more through; nowhere near the whole file.
  assert.ok(download.sent < 8 * MB, `pulled ${download.sent} bytes`);
  // The next photo, even a good one, waits: one answer says so...
  const after = h.telegram.lastCallId();
  h.telegram.sendPhoto(user, SAMPLE_JPEG);
  const wait = await h.telegram.waitForCall("sendMessage", { after });
  assert.match(String(wait.params.text), /next photo in \d+ s/);
  // ...and a flood of them gets no more answers and no download.
  const quiet = h.telegram.lastCallId();
  for (let i = 0; i < 5; i++) h.telegram.sendPhoto(user, SAMPLE_PNG);
  h.telegram.sendText(user, "/start");
  const menu = await h.telegram.waitForCall("sendMessage", { after: quiet });
  assert.doesNotMatch(String(menu.params.text), /next photo/);
  await h.app.runner.idle();
  assert.equal(h.telegram.downloads.length, 1, "only the fake was fetched");
  assert.equal(h.telegram.callsOf("getFile").length, 1);
  assert.equal(h.comfy.requests.length, 0);
  assert.deepEqual(await journalKinds(h.app, user.id), ["grant"]);
});

Deno.test("a good 20 MB-limit photo still arrives whole", async () => {
  await using h = await startHarness();
  const user = h.telegram.user(721, { first_name: "Al", language_code: "en" });
  // A real JPEG header with a large body after it (padding after EOI).
  const big = new Uint8Array(3 * MB);
  big.set(SAMPLE_JPEG);
  h.telegram.sendDocument(user, big, {
    fileName: "big.jpg",
    mimeType: "image/jpeg",
  });
  await h.telegram.waitForCall("sendVideo");
  await h.app.runner.idle();
  assert.equal(h.telegram.downloads[0]?.sent, big.length);
  assert.equal(h.comfy.requests.length, 1);
});

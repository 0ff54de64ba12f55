/**
 * Hostile and broken input: each gets a clear answer or is ignored, and
 * none crashes the bot, starts a job or moves a token.
 */

import assert from "node:assert/strict";
import { handled } from "./helpers.ts";
import type { Message } from "grammy/types";
import { SAMPLE_JPEG, SAMPLE_PNG } from "../fixtures/media.ts";
import { type Harness, journalKinds, startHarness } from "./harness.ts";

// Asserts the user's money and jobs are as a newcomer's: nothing moved.
async function untouched(h: Harness, userId: number): Promise<void> {
  await h.app.runner.idle();
  assert.equal(h.comfy.requests.length, 0, "nothing was rendered");
  assert.equal((await h.app.jobs.unfinished()).length, 0);
  const account = await h.app.ledger.account(userId);
  assert.deepEqual([account?.tokens, account?.held], [100, 0]);
  assert.deepEqual(await journalKinds(h.app, userId), ["grant"]);
}

function png(width: number, height: number): Uint8Array {
  const bytes = SAMPLE_PNG.slice();
  const view = new DataView(bytes.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  return bytes;
}

const NOT_PHOTOS: [string, Partial<Message>][] = [
  ["a sticker", {
    sticker: {
      file_id: "st1",
      file_unique_id: "st1u",
      type: "regular",
      width: 512,
      height: 512,
      is_animated: false,
      is_video: false,
    },
  }],
  ["a voice message", {
    voice: { file_id: "vo1", file_unique_id: "vo1u", duration: 3 },
  }],
  ["a video", {
    video: {
      file_id: "vi1",
      file_unique_id: "vi1u",
      width: 320,
      height: 240,
      duration: 2,
    },
  }],
  ["a GIF", {
    animation: {
      file_id: "an1",
      file_unique_id: "an1u",
      width: 320,
      height: 240,
      duration: 2,
    },
  }],
  ["plain text", { text: "make it move please" }],
];

Deno.test("stickers, voice, videos, GIFs and text get a hint, not a job", async () => {
  await using h = await startHarness();
  const user = h.telegram.user(501, { first_name: "Ha", language_code: "ru" });
  for (const [what, partial] of NOT_PHOTOS) {
    const after = h.telegram.lastCallId();
    h.telegram.sendMessageUpdate(user, partial);
    const reply = await h.telegram.waitForCall("sendMessage", { after });
    assert.ok(String(reply.params.text).length > 0, what);
  }
  await untouched(h, user.id);
});

Deno.test("an unknown command is answered, and changes nothing", async () => {
  await using h = await startHarness();
  const user = h.telegram.user(502, { first_name: "Un", language_code: "en" });
  h.telegram.sendText(user, "/rm_rf_everything now");
  const reply = await h.telegram.waitForCall("sendMessage");
  assert.match(String(reply.params.text), /\/start/);
  await untouched(h, user.id);
});

Deno.test("an image over Telegram's 20 MB download limit is refused up front", async () => {
  await using h = await startHarness();
  const user = h.telegram.user(503, { first_name: "Bi", language_code: "en" });
  h.telegram.sendMessageUpdate(user, {
    document: {
      file_id: "huge-doc",
      file_unique_id: "huge-doc-u",
      file_name: "big.jpg",
      mime_type: "image/jpeg",
      file_size: 25 * 1024 * 1024,
    },
  });
  const reply = await h.telegram.waitForCall("sendMessage");
  assert.match(String(reply.params.text), /too big/);
  assert.equal(h.telegram.callsOf("getFile").length, 0, "never downloaded");
  await untouched(h, user.id);
});

for (
  const [what, bytes, reason] of [
    ["a corrupt JPEG", SAMPLE_JPEG.slice(0, 120), /not an image we can read/],
    ["a tiny image", png(16, 16), /too small/],
    ["a huge-dimension image", png(30_000, 20_000), /resolution is too high/],
  ] as const
) {
  Deno.test(`${what} sent as a file is refused before any charge`, async () => {
    await using h = await startHarness();
    const user = h.telegram.user(504, {
      first_name: "Co",
      language_code: "en",
    });
    h.telegram.sendDocument(user, bytes, {
      fileName: "photo.png",
      mimeType: "image/png",
    });
    const reply = await h.telegram.waitForCall("sendMessage", {
      where: (c) => /cannot make a video/.test(String(c.params.text)),
    });
    assert.match(String(reply.params.text), reason);
    await untouched(h, user.id);
  });
}

Deno.test("forged and stale buttons are answered and change nothing", async () => {
  await using h = await startHarness();
  const user = h.telegram.user(505, { first_name: "Fo", language_code: "en" });
  h.telegram.sendText(user, "/start");
  const menu = await h.telegram.waitForCall("sendMessage", {
    where: (c) => c.params.reply_markup !== undefined,
  });
  const messageId = (menu.result as Message).message_id;
  const forged = [
    "m:__proto__",
    "j:c:telegram_1_1",
    "j:c:../../etc",
    "x".repeat(64),
    "",
    "w:0:confirm",
  ];
  for (const data of forged) {
    const after = h.telegram.lastCallId();
    h.telegram.clickButton(user, messageId, data, { unchecked: true });
    await h.telegram.waitForCall("answerCallbackQuery", { after });
  }
  await untouched(h, user.id);
});

Deno.test("a flood of photos from one user starts at most the per-user limit", async () => {
  await using h = await startHarness({ comfy: { renderMs: 200 } });
  const user = h.telegram.user(506, { first_name: "Fl", language_code: "en" });
  for (let i = 0; i < 8; i++) h.telegram.sendPhoto(user, SAMPLE_JPEG);
  for (let i = 0; i < 6; i++) {
    await h.telegram.waitForCall("sendMessage", {
      where: (c) =>
        /already have 2 videos in progress/.test(String(c.params.text)),
      after: i === 0
        ? -1
        : h.telegram.callsOf("sendMessage").filter((c) =>
          /already have/.test(String(c.params.text))
        )[i - 1]?.id ?? -1,
    });
  }
  await h.app.runner.idle();
  assert.equal(h.comfy.requests.length, 2);
  const account = await h.app.ledger.account(user.id);
  assert.deepEqual([account?.tokens, account?.held], [80, 0]);
  assert.equal(h.telegram.callsOf("sendVideo").length, 2);
});

Deno.test("a re-delivered photo update never starts a second job", async () => {
  await using h = await startHarness({ comfy: { renderMs: 100 } });
  const user = h.telegram.user(507, { first_name: "Re", language_code: "en" });
  const update = h.telegram.sendPhoto(user, SAMPLE_JPEG);
  await h.telegram.waitForCall("sendVideo");
  await h.app.runner.idle();
  // Telegram re-sends an update whose offset was never confirmed (a crash).
  await h.restart();
  h.telegram.redeliver(update);
  await handled(h, update.update_id);
  await h.app.runner.idle();
  assert.equal(h.comfy.requests.length, 1);
  assert.equal(h.telegram.callsOf("sendVideo").length, 1);
  // Recognised before anything else: the photo is not even fetched again.
  assert.equal(h.telegram.callsOf("getFile").length, 1);
  assert.equal((await h.app.ledger.account(user.id))?.tokens, 90);
  assert.ok(
    !h.logs.some((line) => line.startsWith("ERROR")),
    h.logs.join("\n"),
  );
  assert.ok(
    h.logs.some((line) =>
      line.includes(`skipped a re-delivered update update=${update.update_id}`)
    ),
  );
});

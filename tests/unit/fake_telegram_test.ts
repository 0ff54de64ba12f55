/**
 * Tests of the fake Telegram Bot API server, driven by a real grammY Bot.
 *
 * Run: deno test --allow-net=127.0.0.1 tests/fakes/telegram_test.ts
 */

import assert from "node:assert/strict";
import { Bot, GrammyError, HttpError, InputFile } from "grammy";
import { FakeTelegram } from "../fakes/telegram/mod.ts";

/** Awaits `fn`, asserts that it rejects with an `E` and returns the error. */
async function rejection<E extends Error>(
  fn: () => Promise<unknown>,
  type: new (...args: never[]) => E,
): Promise<E> {
  try {
    await fn();
  } catch (error) {
    assert.ok(error instanceof type, `expected ${type.name}, got ${error}`);
    return error;
  }
  throw new assert.AssertionError({ message: `expected a ${type.name}` });
}

/** A tiny PNG header claiming 640x480, followed by recognisable bytes. */
function fakePng(payload = 1000): Uint8Array {
  const bytes = new Uint8Array(33 + payload);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(bytes.buffer);
  view.setUint32(16, 640);
  view.setUint32(20, 480);
  for (let i = 33; i < bytes.length; i++) bytes[i] = i % 251;
  return bytes;
}

/**
 * Starts a fake and a polling grammY bot configured by `setup`, runs `fn`,
 * then stops the bot and closes the fake (sanitizer-clean).
 */
async function withBot(
  setup: (bot: Bot, fake: FakeTelegram) => void,
  fn: (fake: FakeTelegram, bot: Bot) => Promise<void>,
): Promise<void> {
  const fake = await FakeTelegram.start();
  const bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot } });
  setup(bot, fake);
  let failure: unknown;
  const running = bot.start().catch((error) => {
    failure = error;
  });
  try {
    await fn(fake, bot);
  } finally {
    await bot.stop();
    await running;
    await fake.close();
  }
  if (failure !== undefined) throw failure;
}

Deno.test("replies to text and downloads the largest photo", async () => {
  const downloaded: Uint8Array[] = [];
  await withBot((bot, fake) => {
    bot.on("message:text", (ctx) => ctx.reply(`echo: ${ctx.message.text}`));
    bot.on("message:photo", async (ctx) => {
      const photo = ctx.message.photo;
      const largest = photo[photo.length - 1];
      if (largest === undefined) return;
      const file = await ctx.api.getFile(largest.file_id);
      const url = `${fake.apiRoot}/file/bot${fake.token}/${file.file_path}`;
      const response = await fetch(url);
      downloaded.push(new Uint8Array(await response.arrayBuffer()));
      await ctx.reply(`photo ${largest.width}x${largest.height}`);
    });
  }, async (fake) => {
    const alice = fake.user(1001, { "first_name": "Alice" });
    fake.sendText(alice, "hello");
    const text = await fake.waitForCall("sendMessage");
    assert.deepEqual(text.params, { "chat_id": 1001, text: "echo: hello" });

    const image = fakePng();
    const update = fake.sendPhoto(alice, image, { caption: "me" });
    const sizes = update.message?.photo ?? [];
    assert.deepEqual(sizes.map((s) => [s.width, s.height]), [
      [90, 68],
      [320, 240],
      [640, 480],
    ]);
    assert.deepEqual(new Set(sizes.map((s) => s.file_id)).size, 3);
    const reply = await fake.waitForCall("sendMessage", {
      after: text.id,
    });
    assert.deepEqual(reply.params.text, "photo 640x480");
    assert.deepEqual(downloaded, [image]);
    assert.deepEqual(fake.downloads.length, 1);
    const getFile = fake.callsOf("getFile")[0];
    assert.deepEqual(getFile?.params["file_id"], sizes[2]?.file_id);

    const transcript = fake.chat(alice.id).map((e) => [e.from, e.kind]);
    assert.deepEqual(transcript, [
      ["user", "text"],
      ["bot", "text"],
      ["user", "photo"],
      ["bot", "text"],
    ]);
  });
});

Deno.test("offset semantics: every update is delivered exactly once", async () => {
  const seen: string[] = [];
  await withBot((bot) => {
    bot.on("message:text", async (ctx) => {
      seen.push(ctx.message.text);
      await ctx.reply("ok");
    });
  }, async (fake) => {
    const bob = fake.user(2002);
    fake.sendText(bob, "one");
    fake.sendText(bob, "two");
    const third = fake.sendText(bob, "three");
    await fake.waitForConfirmed(third.update_id);
    assert.deepEqual(fake.pendingUpdates(), []);
    const fourth = fake.sendText(bob, "four");
    await fake.waitForConfirmed(fourth.update_id);
    assert.deepEqual(seen, ["one", "two", "three", "four"]);
    assert.deepEqual(fake.callsOf("sendMessage").length, 4);
    assert.ok(fake.pollCount >= 3, `pollCount ${fake.pollCount}`);
  });
});

Deno.test("a held long poll wakes up when an update is injected", async () => {
  await withBot((bot) => {
    bot.command("start", (ctx) => ctx.reply("welcome"));
  }, async (fake) => {
    // grammY polls with timeout=30: only a wake-up can answer within 5 s.
    await fake.waitForLongPoll();
    const polls = fake.pollCount;
    const update = fake.sendText(fake.user(3003), "/start");
    assert.deepEqual(update.message?.entities, [
      { type: "bot_command", offset: 0, length: 6 },
    ]);
    let pollsAtReply = -1;
    const call = await fake.waitForCall("sendMessage", {
      timeoutMs: 5000,
      where: () => {
        pollsAtReply = fake.pollCount;
        return true;
      },
    });
    assert.deepEqual(call.params.text, "welcome");
    // The held poll itself delivered the update: no new getUpdates was needed.
    assert.equal(pollsAtReply, polls);
  });
});

Deno.test("a newer long poll terminates the held one with 409", async () => {
  await using fake = await FakeTelegram.start();
  const url = `${fake.apiRoot}/bot${fake.token}/getUpdates`;
  const poll = (body: unknown) =>
    fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const first = poll({ timeout: 30 });
  await fake.waitForLongPoll();
  const second = poll({ timeout: 30 });
  const conflict = await first;
  assert.deepEqual(conflict.status, 409);
  assert.deepEqual(await conflict.json(), {
    ok: false,
    "error_code": 409,
    description:
      "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
  });
  await fake.waitForLongPoll();
  await fake.close();
  // close() answers the held long poll with an empty result.
  assert.deepEqual(await (await second).json(), { ok: true, result: [] });
});

Deno.test("sendVideo with an uploaded InputFile is recorded", async () => {
  const video = new Uint8Array(256 * 1024).map((_, i) => i % 256);
  await withBot((bot) => {
    bot.command("video", async (ctx) => {
      await ctx.replyWithChatAction("upload_video");
      await ctx.replyWithVideo(new InputFile(video, "result.mp4"), {
        caption: "<b>Done</b> &amp; dusted",
        "parse_mode": "HTML",
        width: 512,
        height: 768,
        duration: 4,
        "reply_markup": {
          "inline_keyboard": [[{ text: "Again", "callback_data": "again" }]],
        },
      });
    });
  }, async (fake) => {
    const carol = fake.user(4004);
    fake.sendText(carol, "/video");
    const call = await fake.waitForCall("sendVideo");
    assert.deepEqual(call.files.length, 1);
    const file = call.files[0];
    assert.deepEqual(file?.field, "video");
    assert.deepEqual(file?.filename, "result.mp4");
    assert.deepEqual(file?.size, video.length);
    assert.deepEqual(file?.bytes, video);
    assert.deepEqual(call.params.caption, "<b>Done</b> &amp; dusted");
    assert.deepEqual(call.params["reply_markup"], {
      "inline_keyboard": [[{ text: "Again", "callback_data": "again" }]],
    });
    const result = call.result as {
      video: { "file_size": number; width: number; "file_id": string };
      caption: string;
      "caption_entities": unknown[];
    };
    assert.deepEqual(result.video.file_size, video.length);
    assert.deepEqual(result.video.width, 512);
    assert.deepEqual(result.caption, "Done & dusted");
    assert.deepEqual(result.caption_entities, [
      { type: "bold", offset: 0, length: 4 },
    ]);
    const [, sent] = fake.chat(carol.id);
    assert.deepEqual(sent?.kind, "video");
    assert.deepEqual(sent?.caption, "Done & dusted");
    assert.deepEqual(sent?.buttons, [["Again"]]);
    assert.deepEqual(fake.callsOf("sendChatAction").length, 1);
  });
});

Deno.test("edit errors surface as GrammyError, transcript shows edits", async () => {
  await withBot((bot) => {
    bot.command("start", (ctx) =>
      ctx.reply("Pick a style", {
        "reply_markup": {
          "inline_keyboard": [[
            { text: "Anime", "callback_data": "style:anime" },
            { text: "Photo", "callback_data": "style:photo" },
          ]],
        },
      }));
    bot.callbackQuery(/^style:/, async (ctx) => {
      await ctx.answerCallbackQuery({ text: "Queued" });
      await ctx.editMessageText(`Style: ${ctx.callbackQuery.data.slice(6)}`);
    });
  }, async (fake, bot) => {
    const dave = fake.user(5005);
    fake.sendText(dave, "/start");
    const sent = await fake.waitForCall("sendMessage");
    const messageId = (sent.result as { "message_id": number }).message_id;
    const click = fake.clickButton(dave, messageId, "style:anime");
    const edit = await fake.waitForCall("editMessageText");
    assert.deepEqual(edit.params.text, "Style: anime");
    const queryId = click.callback_query?.id ?? "";
    assert.deepEqual(fake.callbackAnswer(queryId)?.text, "Queued");

    assert.deepEqual(
      fake.chat(dave.id).map(({ from, text, buttons, edits }) => ({
        from,
        text,
        buttons,
        edits,
      })),
      [
        { from: "user", text: "/start", buttons: undefined, edits: 0 },
        { from: "bot", text: "Style: anime", buttons: undefined, edits: 1 },
      ],
    );

    const notModified = await rejection(
      () => bot.api.editMessageText(dave.id, messageId, "Style: anime"),
      GrammyError,
    );
    assert.deepEqual(notModified.error_code, 400);
    assert.deepEqual(
      notModified.description,
      "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
    );
    const missing = await rejection(
      () => bot.api.editMessageText(dave.id, 999, "x"),
      GrammyError,
    );
    assert.deepEqual(
      missing.description,
      "Bad Request: message to edit not found",
    );
    await bot.api.deleteMessage(dave.id, messageId);
    const gone = await rejection(
      () => bot.api.deleteMessage(dave.id, messageId),
      GrammyError,
    );
    assert.deepEqual(
      gone.description,
      "Bad Request: message to delete not found",
    );
    assert.deepEqual(fake.chat(dave.id).length, 1);
  });
});

Deno.test("failNext 429 surfaces with retry_after, then calls succeed", async () => {
  await using fake = await FakeTelegram.start();
  const bot = new Bot(fake.token, {
    client: { apiRoot: fake.apiRoot },
    botInfo: fake.botInfo,
  });
  const erin = fake.user(6006);
  fake.failNext("sendMessage", { kind: "429", retryAfter: 7 });
  const error = await rejection(
    () => bot.api.sendMessage(erin.id, "hi"),
    GrammyError,
  );
  assert.deepEqual(error.error_code, 429);
  assert.deepEqual(error.description, "Too Many Requests: retry after 7");
  assert.deepEqual(error.parameters.retry_after, 7);
  const message = await bot.api.sendMessage(erin.id, "hi");
  assert.deepEqual(message.text, "hi");
  assert.deepEqual(fake.callsOf("sendMessage").map((c) => c.error?.code), [
    429,
    undefined,
  ]);

  fake.failNext("sendMessage", { kind: "5xx" });
  const gateway = await rejection(
    () => bot.api.sendMessage(erin.id, "hi"),
    GrammyError,
  );
  assert.deepEqual([gateway.error_code, gateway.description], [
    502,
    "Bad Gateway",
  ]);

  fake.failNext("sendMessage", {
    kind: "error",
    code: 403,
    description: "Forbidden: bot was blocked by the user",
  });
  const blocked = await rejection(
    () => bot.api.sendMessage(erin.id, "hi"),
    GrammyError,
  );
  assert.deepEqual(blocked.error_code, 403);

  // nginx's HTML error page is not JSON: grammY reports a network error.
  fake.failNext("sendMessage", { kind: "5xx", status: 504, html: true });
  await rejection(() => bot.api.sendMessage(erin.id, "hi"), HttpError);
});

Deno.test("a timeout failure holds the call until the client gives up", async () => {
  await using fake = await FakeTelegram.start();
  const bot = new Bot(fake.token, {
    client: { apiRoot: fake.apiRoot },
    botInfo: fake.botInfo,
  });
  const hana = fake.user(9009);
  fake.failNext("sendVideo", { kind: "timeout" });
  const controller = new AbortController();
  const pending = bot.api.sendVideo(
    hana.id,
    "BAACAgIAAxkBAAI_unknown",
    {},
    // grammY's types name the abort-controller shim's AbortSignal.
    controller.signal as unknown as Parameters<typeof bot.api.sendVideo>[3],
  );
  const held = await fake.waitForCall("sendVideo");
  assert.equal(held.result, undefined);
  controller.abort();
  await rejection(() => pending, HttpError);
  assert.deepEqual(fake.chat(hana.id), []);
  // close() (via `await using`) answers the held request.
});

Deno.test("recordFileBytes: false keeps sizes; uploads over 50 MB get 413", async () => {
  await using fake = await FakeTelegram.start({ recordFileBytes: false });
  const bot = new Bot(fake.token, {
    client: { apiRoot: fake.apiRoot },
    botInfo: fake.botInfo,
  });
  const ivan = fake.user(1010);
  const video = new Uint8Array(3 * 1024 * 1024);
  const sent = await bot.api.sendVideo(ivan.id, new InputFile(video));
  assert.equal(sent.video?.file_size, video.length);
  assert.equal(sent.video?.file_name, "video.mp4");
  const [file] = fake.callsOf("sendVideo")[0]?.files ?? [];
  assert.deepEqual(file && { ...file }, {
    field: "video",
    filename: "video.mp4",
    size: video.length,
    contentType: "application/octet-stream",
  });
  const huge = new Uint8Array(50 * 1024 * 1024 + 1);
  const refused = await rejection(
    () => bot.api.sendVideo(ivan.id, new InputFile(huge, "huge.mp4")),
    GrammyError,
  );
  assert.deepEqual(
    [refused.error_code, refused.description],
    [413, "Request Entity Too Large"],
  );
  assert.equal(fake.callsOf("sendVideo")[1]?.files[0]?.size, huge.length);
});

Deno.test("getUpdates conflicts with an active webhook", async () => {
  await using fake = await FakeTelegram.start();
  const bot = new Bot(fake.token, {
    client: { apiRoot: fake.apiRoot },
    botInfo: fake.botInfo,
  });
  await bot.api.setWebhook("https://example.com/hook");
  assert.equal(
    (await bot.api.getWebhookInfo()).url,
    "https://example.com/hook",
  );
  const conflict = await rejection(() => bot.api.getUpdates(), GrammyError);
  assert.equal(conflict.error_code, 409);
  await bot.api.deleteWebhook();
  assert.deepEqual(await bot.api.getUpdates({ timeout: 0 }), []);
  await bot.api.setMyCommands([{ command: "start", description: "Begin" }]);
  assert.deepEqual(await bot.api.getMyCommands(), [
    { command: "start", description: "Begin" },
  ]);
});

Deno.test("unknown method is 404, wrong token is 401", async () => {
  await using fake = await FakeTelegram.start();
  const bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot } });
  const raw = bot.api.raw as unknown as Record<
    string,
    (payload: Record<string, unknown>) => Promise<unknown>
  >;
  const unknown = await rejection(
    () => raw.makeCoffee?.({ sugar: 2 }) ?? Promise.resolve(),
    GrammyError,
  );
  assert.deepEqual([unknown.error_code, unknown.description], [
    404,
    "Not Found",
  ]);
  assert.deepEqual(fake.callsOf("makeCoffee")[0]?.params, { sugar: 2 });

  const intruder = new Bot("42:wrong", { client: { apiRoot: fake.apiRoot } });
  const denied = await rejection(() => intruder.api.getMe(), GrammyError);
  assert.deepEqual([denied.error_code, denied.description], [
    401,
    "Unauthorized",
  ]);
  assert.deepEqual(fake.callsOf("getMe").length, 0);

  const me = await bot.api.getMe();
  assert.deepEqual(me.username, "lora_test_bot");
  assert.deepEqual(me, fake.botInfo);
});

Deno.test("files: getFile limits, downloads and file_id reuse", async () => {
  await using fake = await FakeTelegram.start();
  const bot = new Bot(fake.token, {
    client: { apiRoot: fake.apiRoot },
    botInfo: fake.botInfo,
  });
  const bytes = new Uint8Array([1, 2, 3]);
  const small = fake.registerFile(bytes);
  const file = await bot.api.getFile(small.file_id);
  assert.deepEqual(file.file_path, small.file_path);
  const download = `${fake.apiRoot}/file/bot${fake.token}/`;
  const response = await fetch(download + small.file_path);
  assert.deepEqual(response.headers.get("content-length"), "3");
  assert.deepEqual(new Uint8Array(await response.arrayBuffer()), bytes);
  const missing = await fetch(download + "documents/nope.bin");
  assert.deepEqual(missing.status, 404);
  await missing.body?.cancel();

  fake.failNext("download", { kind: "5xx", status: 503 });
  const unavailable = await fetch(download + small.file_path);
  assert.deepEqual(unavailable.status, 503);
  await unavailable.body?.cancel();

  const big = fake.registerFile(new Uint8Array(20 * 1024 * 1024 + 1));
  const tooBig = await rejection(
    () => bot.api.getFile(big.file_id),
    GrammyError,
  );
  assert.deepEqual(tooBig.description, "Bad Request: file is too big");
  const invalid = await rejection(
    () => bot.api.getFile("nonsense"),
    GrammyError,
  );
  assert.deepEqual(invalid.description, "Bad Request: invalid file_id");

  const frank = fake.user(7007);
  const first = await bot.api.sendDocument(
    frank.id,
    new InputFile(new TextEncoder().encode("report"), "report.txt"),
  );
  assert.deepEqual(first.document?.file_name, "report.txt");
  assert.deepEqual(first.document?.mime_type, "text/plain");
  const again = await bot.api.sendDocument(
    frank.id,
    first.document?.file_id ?? "",
  );
  assert.deepEqual(again.document, first.document);
  assert.deepEqual(fake.callsOf("sendDocument")[1]?.files, []);
});

Deno.test("parse_mode is applied and malformed markup is refused", async () => {
  await using fake = await FakeTelegram.start();
  const bot = new Bot(fake.token, {
    client: { apiRoot: fake.apiRoot },
    botInfo: fake.botInfo,
  });
  const gina = fake.user(8008);
  const html = await bot.api.sendMessage(gina.id, "<b>Ready</b> 1 &lt; 2", {
    "parse_mode": "HTML",
  });
  assert.deepEqual(html.text, "Ready 1 < 2");
  assert.deepEqual(html.entities, [{ type: "bold", offset: 0, length: 5 }]);
  const broken = await rejection(
    () => bot.api.sendMessage(gina.id, "1 < 2", { "parse_mode": "HTML" }),
    GrammyError,
  );
  assert.deepEqual(
    broken.description,
    'Bad Request: can\'t parse entities: Unsupported start tag "" at byte offset 2',
  );
  const markdown = await rejection(
    () => bot.api.sendMessage(gina.id, "Done.", { "parse_mode": "MarkdownV2" }),
    GrammyError,
  );
  assert.deepEqual(
    markdown.description,
    "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'",
  );
  const unknownChat = await rejection(
    () => bot.api.sendMessage(1, "hi"),
    GrammyError,
  );
  assert.deepEqual(unknownChat.description, "Bad Request: chat not found");
  assert.equal(typeof fake.chat(gina.id)[0]?.message.date, "number");
});

Deno.test("rateLimit: a real violation earns 429 (per chat and overall), a chat action only counts overall", async () => {
  await using fake = await FakeTelegram.start({
    rateLimit: { perSecond: 5, slackMs: 200 },
  });
  const bot = new Bot(fake.token, {
    client: { apiRoot: fake.apiRoot },
    botInfo: fake.botInfo,
  });
  const [anna, boris] = [fake.user(7001), fake.user(7002)];
  await bot.api.sendMessage(anna.id, "first");
  // Well inside 800 ms (1 s less the slack): refused.
  const second = await rejection(
    () => bot.api.sendMessage(anna.id, "second"),
    GrammyError,
  );
  assert.deepEqual([second.error_code, second.parameters.retry_after], [
    429,
    1,
  ]);
  // Not a message: only the overall budget applies.
  await bot.api.sendChatAction(anna.id, "upload_video");
  await bot.api.sendMessage(boris.id, "hello");
  await bot.api.sendChatAction(boris.id, "typing");
  await bot.api.sendChatAction(anna.id, "typing");
  // Five calls counted in this second: one more is over the budget.
  const sixth = await rejection(
    () => bot.api.sendChatAction(boris.id, "typing"),
    GrammyError,
  );
  assert.equal(sixth.error_code, 429);
  assert.deepEqual(fake.refusals.map((r) => r.limit), ["chat", "all"]);
  assert.equal(fake.rateLimited, 2);
});

Deno.test("a big upload is read as it streams: the fake's event loop stays free", async () => {
  await using fake = await FakeTelegram.start({ recordFileBytes: false });
  const bot = new Bot(fake.token, {
    client: { apiRoot: fake.apiRoot },
    botInfo: fake.botInfo,
  });
  const dora = fake.user(7003);
  const video = new Uint8Array(40 * 1024 * 1024).map((_, i) => i % 253);
  // Lateness of a 5 ms timer while the upload is sent and read; parsing
  // 40 MB in one go (request.formData()) blocks the loop over 200 ms.
  let worst = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last - 5);
    last = now;
  }, 5);
  const sentAt = performance.now();
  try {
    const sent = await bot.api.sendVideo(dora.id, new InputFile(video));
    assert.equal(sent.video?.file_size, video.length);
  } finally {
    clearInterval(timer);
  }
  const call = fake.callsOf("sendVideo")[0];
  assert.ok(worst < 100, `the event loop stalled ${worst.toFixed(0)} ms`);
  // Stamped on arrival, not once the body was in.
  assert.ok(
    (call?.receivedAt ?? Infinity) - sentAt < 50,
    `stamped ${((call?.receivedAt ?? 0) - sentAt).toFixed(0)} ms after send`,
  );
});

import assert from "node:assert/strict";
import { SAMPLE_JPEG, SAMPLE_MP4 } from "../fixtures/media.ts";
import { journalKinds, startHarness } from "./harness.ts";

const BUTTONS = [
  ["🎬 Создать видео"],
  ["⚡ Быстрый режим"],
  ["💰 Баланс", "📊 Статистика"],
  ["🎞 Мои видео"],
  ["❓ Помощь", "🇬🇧 English"],
];

Deno.test("a new user's photo becomes a video, charged once", async (t) => {
  await using h = await startHarness({ comfy: { renderMs: 150 } });
  const user = h.telegram.user(423721043, {
    first_name: "Sergey",
    username: "serge_k",
    language_code: "ru",
  });

  await t.step("/start greets and shows the main menu", async () => {
    h.telegram.sendText(user, "/start");
    const menu = await h.telegram.waitForCall("sendMessage", {
      where: (c) => c.params.reply_markup !== undefined,
    });
    assert.match(String(menu.params.text), /Главное меню/);
    const entries = h.telegram.chat(user.id).filter((e) => e.from === "bot");
    assert.match(entries[0]?.text ?? "", /Вам начислен бонус: 100 токенов/);
    assert.deepEqual(entries[1]?.buttons, BUTTONS);
    assert.equal((await h.app.ledger.account(user.id))?.tokens, 100);
  });

  await t.step("the photo is rendered and the video delivered", async () => {
    const after = h.telegram.lastCallId();
    h.telegram.sendPhoto(user, SAMPLE_JPEG, { width: 1280, height: 960 });
    const video = await h.telegram.waitForCall("sendVideo", { after });
    assert.equal(video.params.supports_streaming, true);
    assert.match(
      String(video.params.caption),
      /https:\/\/t\.me\/lora_test_bot/,
    );
    assert.deepEqual(video.files[0]?.bytes, SAMPLE_MP4);
    const markup = JSON.stringify(video.params.reply_markup);
    assert.match(markup, /🎬 Создать ещё/);
    assert.match(markup, /⚡ Быстрый режим/);
  });

  await t.step("ComfyUI got the largest photo, as the old bot sent it", () => {
    const request = h.comfy.requests[0];
    assert.equal(h.comfy.requests.length, 1);
    assert.equal(request?.workflow, "api-video");
    assert.deepEqual(request?.imageBytes, SAMPLE_JPEG);
    assert.match(String(request?.clientIdField), /^telegram_423721043_\d+$/);
    assert.equal(request?.imageName, `input_${request?.clientIdField}.jpg`);
    // The old bot's workflow takes only the photo: nothing else is sent.
    assert.deepEqual(request?.inputs, {});
    assert.deepEqual(Object.keys(request?.body ?? {}), ["image", "client_id"]);
  });

  await t.step(
    "the hold is captured only after the video was sent",
    async () => {
      await h.app.runner.idle();
      const account = await h.app.ledger.account(user.id);
      assert.equal(account?.tokens, 90);
      assert.equal(account?.held, 0);
      assert.equal(account?.spent, 10);
      assert.equal(account?.videosCreated, 1);
      assert.deepEqual(await journalKinds(h.app, user.id), [
        "grant",
        "hold",
        "capture",
      ]);
      const capture = (await h.app.ledger.journal(user.id, 1))[0];
      const videoCall = h.telegram.callsOf("sendVideo")[0];
      assert.ok(capture && videoCall);
      const stats = JSON.parse(
        await h.readStats(),
      );
      assert.equal(stats.times_by_settings["10_medium"].length, 1);
    },
  );

  await t.step("the progress message was edited with a bar", () => {
    const edits = h.telegram.callsOf("editMessageText").map((c) =>
      String(c.params.text)
    );
    assert.ok(
      edits.some((text) => /\[[▓░]{10}\] \d+%/.test(text)),
      edits.join("\n---\n"),
    );
    assert.ok(edits.some((text) => /Списано: 10 токенов/.test(text)));
    // Never the same text twice in a row ("message is not modified").
    for (let i = 1; i < edits.length; i++) {
      assert.notEqual(edits[i], edits[i - 1]);
    }
  });
});

Deno.test("the /history fallback delivers a VideoHelperSuite output", async () => {
  await using h = await startHarness({ comfy: { mode: "history" } });
  const user = h.telegram.user(5, { first_name: "Ann", language_code: "en" });
  h.telegram.sendPhoto(user, SAMPLE_JPEG);
  const video = await h.telegram.waitForCall("sendVideo");
  assert.deepEqual(video.files[0]?.bytes, SAMPLE_MP4);
  assert.match(String(video.params.caption), /Your video is ready/);
  assert.equal(h.comfy.viewRequests.length, 1);
  assert.equal(h.comfy.viewRequests[0]?.subfolder, "video");
  await h.app.runner.idle();
  assert.equal((await h.app.ledger.account(user.id))?.tokens, 90);
  // Streamed through a file in the spool, which is gone once delivered.
  assert.deepEqual(await spoolLeft(h.dataDir), []);
});

Deno.test("a request that times out is still found in /history", async () => {
  await using h = await startHarness({
    comfy: { mode: "hang", renderMs: 50 },
    env: { COMFYUI_TIMEOUT: "0.2" },
  });
  const user = h.telegram.user(6, { first_name: "Bo" });
  h.telegram.sendPhoto(user, SAMPLE_JPEG);
  const video = await h.telegram.waitForCall("sendVideo");
  assert.deepEqual(video.files[0]?.bytes, SAMPLE_MP4);
  await h.app.runner.idle();
  assert.equal((await h.app.ledger.account(user.id))?.tokens, 90);
});

for (
  const [mode, reason] of [
    ["error500", /Сервер обработки отклонил задачу/],
    ["runtime_error", /Во время обработки на сервере произошла ошибка/],
    ["bad_output", /Сервер вернул повреждённое видео/],
    // No history entry for the prompt: the plugin's KeyError is a 500.
    ["lost", /Сервер обработки отклонил задачу/],
  ] as const
) {
  Deno.test(`a ComfyUI failure (${mode}) charges nothing and says why`, async () => {
    await using h = await startHarness({
      comfy: { mode },
      env: { COMFYUI_HISTORY_ATTEMPTS: "3" },
    });
    const user = h.telegram.user(7, { first_name: "Cy", language_code: "ru" });
    h.telegram.sendPhoto(user, SAMPLE_JPEG);
    await h.telegram.waitForCall("editMessageText", {
      where: (c) => /Не удалось создать видео/.test(String(c.params.text)),
    });
    await h.app.runner.idle();
    const failure = h.telegram.callsOf("editMessageText").at(-1);
    assert.match(String(failure?.params.text), reason);
    assert.match(String(failure?.params.text), /Токены не списаны/);
    assert.equal(h.telegram.callsOf("sendVideo").length, 0);
    const account = await h.app.ledger.account(user.id);
    assert.deepEqual([account?.tokens, account?.held, account?.spent], [
      100,
      0,
      0,
    ]);
    assert.deepEqual(await journalKinds(h.app, user.id), [
      "grant",
      "hold",
      "release",
    ]);
    assert.equal((await h.app.jobs.unfinished()).length, 0);
  });
}

Deno.test("Telegram refusing the video releases the hold", async () => {
  await using h = await startHarness();
  const user = h.telegram.user(8, { first_name: "Di", language_code: "en" });
  h.telegram.failNext("sendVideo", {
    kind: "error",
    code: 400,
    description: "Bad Request: wrong file identifier/HTTP URL specified",
  });
  h.telegram.sendPhoto(user, SAMPLE_JPEG);
  await h.telegram.waitForCall("editMessageText", {
    where: (c) => /Telegram did not accept/.test(String(c.params.text)),
  });
  await h.app.runner.idle();
  assert.equal((await h.app.ledger.account(user.id))?.tokens, 100);
  assert.deepEqual(await journalKinds(h.app, user.id), [
    "grant",
    "hold",
    "release",
  ]);
  assert.deepEqual(await spoolLeft(h.dataDir), [], "the video file is removed");
});

// The files left in the bot's video spool.
async function spoolLeft(dataDir: string): Promise<string[]> {
  return (await Array.fromAsync(Deno.readDir(`${dataDir}/tmp/videos`)))
    .map((e) => e.name);
}

Deno.test("not enough tokens: a clear message and no job", async () => {
  await using h = await startHarness({
    env: { DEFAULT_TOKENS: "5", ADMIN_CONTACT: "@lora_admin" },
  });
  const user = h.telegram.user(9, { first_name: "Ed", language_code: "ru" });
  h.telegram.sendPhoto(user, SAMPLE_JPEG);
  const reply = await h.telegram.waitForCall("sendMessage");
  assert.match(String(reply.params.text), /Недостаточно токенов/);
  assert.match(
    String(reply.params.text),
    /Нужно: 10 токенов, у вас: 5 токенов/,
  );
  assert.match(String(reply.params.text), /@lora_admin/);
  assert.equal(h.comfy.requests.length, 0);
  assert.equal((await h.app.jobs.unfinished()).length, 0);
  assert.deepEqual(await journalKinds(h.app, user.id), ["grant"]);
});

Deno.test("an image sent as a file works; other files are refused", async () => {
  await using h = await startHarness();
  const user = h.telegram.user(10, { first_name: "Fa", language_code: "en" });
  h.telegram.sendDocument(user, new TextEncoder().encode("%PDF-1.4"), {
    fileName: "cv.pdf",
    mimeType: "application/pdf",
  });
  const refusal = await h.telegram.waitForCall("sendMessage");
  assert.match(String(refusal.params.text), /does not look like a photo/);
  h.telegram.sendDocument(user, SAMPLE_JPEG, {
    fileName: "me.jpg",
    mimeType: "image/jpeg",
  });
  await h.telegram.waitForCall("sendVideo");
  assert.deepEqual(h.comfy.requests[0]?.imageBytes, SAMPLE_JPEG);
});

Deno.test("a file that only claims to be an image is refused, no charge", async () => {
  await using h = await startHarness();
  const user = h.telegram.user(11, { first_name: "Gu", language_code: "en" });
  h.telegram.sendDocument(user, new TextEncoder().encode("<html>no</html>"), {
    fileName: "fake.jpg",
    mimeType: "image/jpeg",
  });
  const refusal = await h.telegram.waitForCall("sendMessage", {
    where: (c) => /not an image we can read/.test(String(c.params.text)),
  });
  assert.match(String(refusal.params.text), /No tokens were charged/);
  await h.app.runner.idle();
  assert.equal(h.comfy.requests.length, 0);
  assert.equal((await h.app.jobs.unfinished()).length, 0);
  // Refused before any hold: the journal has only the welcome grant.
  assert.deepEqual(await journalKinds(h.app, user.id), ["grant"]);
});

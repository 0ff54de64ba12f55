import { FULL_SAVED } from "../fakes/comfyui/connect.ts";
import assert from "node:assert/strict";
import { SAMPLE_JPEG } from "../fixtures/media.ts";
import type { FakeUser } from "../fakes/telegram/mod.ts";
import { type Harness, startHarness } from "./harness.ts";
import {
  callsAfter,
  dataOf,
  handled,
  kinds,
  lastBot,
  message,
  press,
  say,
  sendPhoto,
} from "./helpers.ts";

// A second photo the fake can tell apart: bytes after a JPEG's end marker
// are ignored by every decoder.
const OTHER_JPEG = new Uint8Array([...SAMPLE_JPEG, 0x4c, 0x6f, 0x52, 0x41]);

// Sends the wizard's photo and keeps the motion "automatic" (the step
// after the photo), as the flow before motion prompts went.
async function wizardPhoto(
  h: Harness,
  user: FakeUser,
  image: Uint8Array,
  locale: "ru" | "en" = "ru",
): Promise<void> {
  await sendPhoto(h, user, image);
  const auto = locale === "ru" ? "🤖 Автоматически" : "🤖 Automatic";
  await press(h, user, lastBot(h, user.id).message_id, auto);
}

const RU = {
  create: "🎬 Создать видео",
  durations: [["5 сек · 5 токенов"], ["10 сек · 10 токенов"], [
    "15 сек · 15 токенов",
  ], ["« Назад", "✖ Отмена"]],
  qualities: [["низкое · 300 px"], ["среднее · 600 px"], [
    "высокое · 832 px",
  ], ["« Назад", "✖ Отмена"]],
  confirm: [
    ["✓ Как на фото", "9:16", "1:1", "16:9"],
    ["✅ Создать видео"],
    ["« Назад", "✖ Отмена"],
  ],
};

for (const locale of ["ru", "en"] as const) {
  Deno.test(`wizard (${locale}): photo, duration, quality, back, confirm`, async (t) => {
    await using h = await startHarness({
      comfy: { renderMs: 30, saved: FULL_SAVED },
    });
    const user = h.telegram.user(301, {
      first_name: "Vera",
      language_code: locale,
    });
    const ru = locale === "ru";
    await say(h, user, "/start");
    const menu = lastBot(h, user.id);

    await t.step("🎬 opens the wizard in the menu's message", async () => {
      await press(h, user, menu.message_id, ru ? RU.create : "🎬 Create video");
      const screen = message(h, user.id, menu.message_id);
      assert.match(screen.text ?? "", ru ? /шаг 1 из 5/ : /step 1 of 5/);
      assert.deepEqual(screen.buttons, [[ru ? "✖ Отмена" : "✖ Cancel"]]);
    });

    let wizard = 0;
    await t.step("the photo brings the durations, with prices", async () => {
      await wizardPhoto(h, user, SAMPLE_JPEG, ru ? "ru" : "en");
      const screen = lastBot(h, user.id);
      wizard = screen.message_id;
      assert.match(screen.text ?? "", ru ? /шаг 3 из 5/ : /step 3 of 5/);
      assert.deepEqual(
        screen.buttons,
        ru ? RU.durations : [["5 s · 5 tokens"], ["10 s · 10 tokens"], [
          "15 s · 15 tokens",
        ], ["« Back", "✖ Cancel"]],
      );
      // The photo prompt above lost its now useless cancel button.
      assert.equal(message(h, user.id, menu.message_id).buttons, undefined);
    });

    await t.step("duration → quality, « Назад → duration again", async () => {
      await press(
        h,
        user,
        wizard,
        ru ? "15 сек · 15 токенов" : "15 s · 15 tokens",
      );
      const quality = message(h, user.id, wizard);
      assert.match(quality.text ?? "", ru ? /15 секунд/ : /15 seconds/);
      assert.deepEqual(
        quality.buttons,
        ru ? RU.qualities : [["low · 300 px"], ["medium · 600 px"], [
          "high · 832 px",
        ], ["« Back", "✖ Cancel"]],
      );
      await press(h, user, wizard, ru ? "« Назад" : "« Back");
      assert.match(
        message(h, user.id, wizard).text ?? "",
        ru ? /шаг 3 из 5/ : /step 3 of 5/,
      );
      await press(h, user, wizard, ru ? "5 сек · 5 токенов" : "5 s · 5 tokens");
      await press(h, user, wizard, ru ? "высокое · 832 px" : "high · 832 px");
    });

    await t.step(
      "the confirmation shows settings, cost, balance after, time",
      async () => {
        const screen = message(h, user.id, wizard);
        const text = screen.text ?? "";
        if (ru) {
          assert.match(text, /Длительность: 5 секунд\n/);
          assert.match(text, /Качество: высокое \(832 px\)/);
          assert.match(text, /Стоимость: 5 токенов/);
          assert.match(text, /Баланс после: 95 токенов/);
          assert.match(text, /Примерное время обработки: 2 мин 0 сек/);
          assert.match(text, /📐 Формат: Как на фото/);
          assert.deepEqual(screen.buttons, RU.confirm);
        } else {
          assert.match(text, /Length: 5 seconds\n/);
          assert.match(text, /Quality: high \(832 px\)/);
          assert.match(text, /Price: 5 tokens/);
          assert.match(text, /Balance after: 95 tokens/);
          assert.match(text, /Estimated processing time: 2 min 0 s/);
        }
        // Nothing is held before the user confirms.
        assert.deepEqual(await kinds(h, user.id), ["grant"]);
      },
    );

    await t.step(
      "confirm starts a wizard job with those settings",
      async () => {
        const after = h.telegram.lastCallId();
        await press(
          h,
          user,
          wizard,
          ru ? "✅ Создать видео" : "✅ Create video",
        );
        const screen = message(h, user.id, wizard);
        assert.match(
          screen.text ?? "",
          ru
            ? /Запускаю: 5 секунд, высокое качество, 5 токенов/
            : /Starting: 5 seconds, high quality, 5 tokens/,
        );
        assert.equal(screen.buttons, undefined);
        const video = await h.telegram.waitForCall("sendVideo", { after });
        assert.match(
          String(video.params.caption),
          ru ? /5 секунд/ : /5 seconds/,
        );
        await h.app.runner.idle();
        assert.deepEqual(h.comfy.requests[0]?.inputs, {
          duration: { value: 5 },
          size: { value: 832 },
        });
        assert.equal((await h.app.ledger.account(user.id))?.tokens, 95);
        assert.deepEqual(await kinds(h, user.id), ["grant", "hold", "capture"]);
        const job =
          (await h.sql.all("SELECT mode, duration, quality FROM jobs", []))[0];
        assert.deepEqual({ ...job }, {
          mode: "wizard",
          duration: 5,
          quality: "high",
        });
      },
    );
  });
}

Deno.test("wizard: outdated and forged buttons expire and change nothing", async () => {
  await using h = await startHarness();
  const user = h.telegram.user(302, { first_name: "Oleg" });
  await say(h, user, "/start");
  const menu = lastBot(h, user.id).message_id;
  await press(h, user, menu, RU.create);
  await wizardPhoto(h, user, SAMPLE_JPEG);
  const wizard = lastBot(h, user.id);
  const oldTen = dataOf(wizard, "10 сек · 10 токенов");
  await press(h, user, wizard.message_id, "10 сек · 10 токенов");
  const before = message(h, user.id, wizard.message_id).text;
  const quality = message(h, user.id, wizard.message_id);
  const nonce = dataOf(quality, "низкое · 300 px").split(":")[1];

  const forged = [
    oldTen, // a double tap on the duration that was already chosen
    `w:${nonce}:d:15`, // the right nonce, a button of another step
    `w:${nonce}:ok`, // confirming before the quality was chosen
    "w:zzzzzzzz:ok",
    "w:abc:ok",
    "m:admin",
    "u:0", // the admin's pager, from a non-admin
    "🎬",
  ];
  for (const data of forged) {
    const after = h.telegram.lastCallId();
    const answer = await press(h, user, wizard.message_id, data, {
      raw: true,
    });
    assert.equal(answer.params.text, "Эта кнопка устарела.", data);
    assert.deepEqual(callsAfter(h, after), ["answerCallbackQuery"], data);
  }
  assert.equal(message(h, user.id, wizard.message_id).text, before);
  assert.equal(h.comfy.requests.length, 0);
  assert.deepEqual(await kinds(h, user.id), ["grant"]);

  // /start closes the wizard and takes its buttons away; a forged copy of
  // them (or a client that still shows them) finds them expired.
  await say(h, user, "/start");
  assert.equal(message(h, user.id, wizard.message_id).buttons, undefined);
  const fresh = lastBot(h, user.id).message_id;
  await press(h, user, fresh, RU.create);
  const answer = await press(
    h,
    user,
    wizard.message_id,
    dataOf(quality, "низкое · 300 px"),
    { raw: true },
  );
  assert.equal(answer.params.text, "Эта кнопка устарела.");
});

Deno.test("wizard: a photo mid-way replaces the photo and keeps the settings", async () => {
  await using h = await startHarness({
    comfy: { renderMs: 30, saved: FULL_SAVED },
  });
  const user = h.telegram.user(303, { first_name: "Ira" });
  await say(h, user, "/start");
  await press(h, user, lastBot(h, user.id).message_id, RU.create);
  await wizardPhoto(h, user, SAMPLE_JPEG);
  const first = lastBot(h, user.id).message_id;
  await press(h, user, first, "15 сек · 15 токенов");

  await sendPhoto(h, user, OTHER_JPEG);
  const moved = lastBot(h, user.id);
  assert.notEqual(moved.message_id, first);
  assert.match(moved.text ?? "", /^🔄 Фото заменено, настройки сохранены\./);
  assert.match(moved.text ?? "", /шаг 4 из 5/);
  assert.deepEqual(moved.buttons, RU.qualities);
  assert.equal(message(h, user.id, first).buttons, undefined);
  assert.equal(h.comfy.requests.length, 0, "a photo mid-way starts nothing");

  await press(h, user, moved.message_id, "низкое · 300 px");
  const after = h.telegram.lastCallId();
  await press(h, user, moved.message_id, "✅ Создать видео");
  await h.telegram.waitForCall("sendVideo", { after });
  await h.app.runner.idle();
  assert.deepEqual(h.comfy.requests[0]?.imageBytes, OTHER_JPEG);
  assert.deepEqual(h.comfy.requests[0]?.inputs, {
    duration: { value: 15 },
    size: { value: 300 },
  });
  assert.equal((await h.app.ledger.account(user.id))?.tokens, 85);
});

Deno.test("wizard: text or a stray file where a button is expected", async () => {
  await using h = await startHarness();
  const user = h.telegram.user(304, { first_name: "Lev" });
  await say(h, user, "/start");
  await press(h, user, lastBot(h, user.id).message_id, RU.create);

  await say(h, user, "а где кнопка?");
  const waiting = lastBot(h, user.id);
  assert.match(waiting.text ?? "", /^📸 Жду фотографию/);
  assert.deepEqual(waiting.buttons, [["✖ Отмена"]]);

  await wizardPhoto(h, user, SAMPLE_JPEG);
  const durations = lastBot(h, user.id).message_id;
  await say(h, user, "10");
  const hint = lastBot(h, user.id);
  assert.notEqual(hint.message_id, durations);
  assert.match(hint.text ?? "", /^👆 Выберите вариант кнопками ниже\./);
  assert.deepEqual(hint.buttons, RU.durations);
  assert.equal(message(h, user.id, durations).buttons, undefined);

  const after = h.telegram.lastCallId();
  h.telegram.sendDocument(user, new TextEncoder().encode("%PDF-1.4"), {
    fileName: "cv.pdf",
    mimeType: "application/pdf",
  });
  const refusal = await h.telegram.waitForCall("sendMessage", { after });
  assert.match(String(refusal.params.text), /не похоже на фотографию/);
  // The wizard is still where it was.
  await press(h, user, hint.message_id, "10 сек · 10 токенов");
  assert.match(message(h, user.id, hint.message_id).text ?? "", /шаг 4 из 5/);
  assert.deepEqual(await kinds(h, user.id), ["grant"]);
  assert.equal(h.comfy.requests.length, 0);
});

Deno.test("wizard: cancel returns to the menu; a photo then is quick mode", async () => {
  await using h = await startHarness({
    comfy: { renderMs: 30, saved: FULL_SAVED },
  });
  const user = h.telegram.user(305, { first_name: "Max" });
  await say(h, user, "/start");
  await press(h, user, lastBot(h, user.id).message_id, RU.create);
  await wizardPhoto(h, user, SAMPLE_JPEG);
  const wizard = lastBot(h, user.id).message_id;
  await press(h, user, wizard, "5 сек · 5 токенов");
  await press(h, user, wizard, "✖ Отмена");
  const menu = message(h, user.id, wizard);
  assert.match(menu.text ?? "", /Главное меню/);
  assert.equal(menu.buttons?.[0]?.[0], RU.create);

  const after = h.telegram.lastCallId();
  h.telegram.sendPhoto(user, SAMPLE_JPEG);
  await h.telegram.waitForCall("sendVideo", { after });
  await h.app.runner.idle();
  assert.deepEqual(h.comfy.requests[0]?.inputs, {
    duration: { value: 10 },
    size: { value: 600 },
  });
});

Deno.test("wizard: not enough tokens gets quick mode's message and no job", async () => {
  await using h = await startHarness({
    env: { DEFAULT_TOKENS: "7", ADMIN_CONTACT: "@lora_admin" },
  });
  const user = h.telegram.user(306, { first_name: "Zoe" });
  await say(h, user, "/start");
  await press(h, user, lastBot(h, user.id).message_id, RU.create);
  await wizardPhoto(h, user, SAMPLE_JPEG);
  const wizard = lastBot(h, user.id).message_id;
  await press(h, user, wizard, "15 сек · 15 токенов");
  await press(h, user, wizard, "среднее · 600 px");
  assert.match(
    message(h, user.id, wizard).text ?? "",
    /На балансе 7 токенов — не хватает 8 токенов/,
  );
  await press(h, user, wizard, "✅ Создать видео");
  const screen = message(h, user.id, wizard);
  assert.match(screen.text ?? "", /Недостаточно токенов/);
  assert.match(screen.text ?? "", /Нужно: 15 токенов, у вас: 7 токенов/);
  assert.match(screen.text ?? "", /@lora_admin/);
  assert.equal(screen.buttons?.[0]?.[0], RU.create);
  assert.equal((await h.app.jobs.unfinished()).length, 0);
  assert.deepEqual(await kinds(h, user.id), ["grant"]);
  assert.equal(h.comfy.requests.length, 0);
});

Deno.test("wizard: a double tap on confirm starts one job", async () => {
  await using h = await startHarness({
    comfy: { renderMs: 30, saved: FULL_SAVED },
  });
  const user = h.telegram.user(307, { first_name: "Ada" });
  await say(h, user, "/start");
  await press(h, user, lastBot(h, user.id).message_id, RU.create);
  await wizardPhoto(h, user, SAMPLE_JPEG);
  const wizard = lastBot(h, user.id).message_id;
  await press(h, user, wizard, "10 сек · 10 токенов");
  await press(h, user, wizard, "среднее · 600 px");
  const ok = dataOf(message(h, user.id, wizard), "✅ Создать видео");
  const first = h.telegram.clickButton(user, wizard, ok);
  const second = h.telegram.clickButton(user, wizard, ok);
  await handled(h, second.update_id);
  const answer = await h.telegram.waitForCall("answerCallbackQuery", {
    where: (c) => c.params.callback_query_id === second.callback_query?.id,
  });
  assert.equal(answer.params.text, "Эта кнопка устарела.");
  assert.ok(first.update_id < second.update_id);
  await h.telegram.waitForCall("sendVideo");
  await h.app.runner.idle();
  assert.equal(h.comfy.requests.length, 1);
  assert.deepEqual(await kinds(h, user.id), ["grant", "hold", "capture"]);
});

Deno.test("wizard: survives a restart of the bot", async () => {
  await using h = await startHarness({
    comfy: { renderMs: 30, saved: FULL_SAVED },
  });
  const user = h.telegram.user(308, { first_name: "Ян", language_code: "ru" });
  await say(h, user, "/start");
  await press(h, user, lastBot(h, user.id).message_id, RU.create);
  await wizardPhoto(h, user, SAMPLE_JPEG);
  const wizard = lastBot(h, user.id).message_id;
  await press(h, user, wizard, "15 сек · 15 токенов");

  await h.restart();

  await press(h, user, wizard, "среднее · 600 px");
  assert.match(message(h, user.id, wizard).text ?? "", /шаг 5 из 5/);
  const after = h.telegram.lastCallId();
  await press(h, user, wizard, "✅ Создать видео");
  await h.telegram.waitForCall("sendVideo", { after });
  await h.app.runner.idle();
  assert.deepEqual(h.comfy.requests[0]?.inputs, {
    duration: { value: 15 },
    size: { value: 600 },
  });
  assert.equal((await h.app.ledger.account(user.id))?.tokens, 85);
});

Deno.test("wizard: busy confirm stays open; the ✖ button frees the slot", async () => {
  await using h = await startHarness({
    comfy: { renderMs: 60_000 },
    env: { MAX_ACTIVE_JOBS_PER_USER: "1" },
  });
  const user = h.telegram.user(309, { first_name: "Ken" });
  await say(h, user, "/start");
  // A quick-mode video is rendering (for a minute) meanwhile.
  await sendPhoto(h, user, SAMPLE_JPEG);
  await h.comfy.waitForRequest();
  const progress = h.telegram.chat(user.id).find((e) =>
    e.message.reply_markup?.inline_keyboard.flat().some((b) =>
      "callback_data" in b && b.callback_data?.startsWith("j:c:")
    )
  );
  assert.ok(progress, "the progress message has a cancel button");

  await say(h, user, "/start");
  await press(h, user, lastBot(h, user.id).message_id, RU.create);
  await wizardPhoto(h, user, OTHER_JPEG);
  const wizard = lastBot(h, user.id).message_id;
  await press(h, user, wizard, "5 сек · 5 токенов");
  await press(h, user, wizard, "низкое · 300 px");
  const busy = await press(h, user, wizard, "✅ Создать видео");
  assert.equal(busy.params.show_alert, true);
  assert.match(String(busy.params.text), /У вас уже 1 видео в работе/);
  const still = message(h, user.id, wizard);
  assert.match(still.text ?? "", /шаг 5 из 5/);
  assert.deepEqual(still.buttons, RU.confirm);
  assert.equal((await h.app.jobs.unfinished()).length, 1);

  // Someone else pressing the same ✖ cannot cancel it.
  const other = h.telegram.user(310, { first_name: "Eve" });
  await say(h, other, "/start");
  const cancelData = dataOf(progress, "✖ Отмена");
  const foreign = await press(
    h,
    other,
    lastBot(h, other.id).message_id,
    cancelData,
    {
      raw: true,
    },
  );
  assert.equal(foreign.params.text, "Это видео уже не найти.");
  assert.equal((await h.app.jobs.unfinished()).length, 1);

  const cancelled = await press(h, user, progress.message_id, "✖ Отмена");
  assert.equal(cancelled.params.text, "✖ Видео отменено, токены возвращены.");
  await h.app.runner.idle();
  assert.equal((await h.app.ledger.account(user.id))?.tokens, 100);
  const again = await press(h, user, progress.message_id, cancelData, {
    raw: true,
  });
  assert.equal(again.params.text, "Это видео уже не найти.");

  h.comfy.renderMs = 30;
  const after = h.telegram.lastCallId();
  await press(h, user, wizard, "✅ Создать видео");
  await h.telegram.waitForCall("sendVideo", { after });
  await h.app.runner.idle();
  assert.deepEqual(h.comfy.requests.at(-1)?.imageBytes, OTHER_JPEG);
  assert.equal((await h.app.ledger.account(user.id))?.tokens, 95);
  assert.deepEqual(await kinds(h, user.id), [
    "grant",
    "hold",
    "release",
    "hold",
    "capture",
  ]);
});

import { FULL_SAVED } from "../fakes/comfyui/connect.ts";
import assert from "node:assert/strict";
import { SAMPLE_JPEG } from "../fixtures/media.ts";
import { startHarness } from "./harness.ts";
import { callsAfter, kinds, lastBot, message, press, say } from "./helpers.ts";

const STATS = JSON.stringify({
  times: [95, 100, 90, 180, 175],
  "times_by_settings": {
    "10_medium": [180, 175],
    "5_low": [95, 100, 90],
    "bogus": [1],
  },
});

Deno.test("onboarding: the first /start welcomes, later ones show the menu", async (t) => {
  await using h = await startHarness();
  const user = h.telegram.user(401, {
    first_name: "Sergey",
    last_name: "Zh",
    username: "serge_k",
  });

  await t.step(
    "first /start: three lines of welcome, then the menu",
    async () => {
      await say(h, user, "/start");
      const [welcome, menu, ...rest] = h.telegram.chat(user.id)
        .filter((e) => e.from === "bot");
      assert.equal(rest.length, 0);
      assert.equal(
        welcome?.text,
        "👋 Привет, Sergey!\n\n" +
          "🎬 Я превращаю фотографию в короткое видео с анимацией.\n" +
          "🎁 Вам начислен бонус: 100 токенов.\n" +
          "📸 Этого хватит на 10 видео по 10 секунд — просто пришлите фото.",
      );
      assert.match(menu?.text ?? "", /Главное меню\n\n💰 Баланс: 100 токенов/);
      assert.deepEqual(menu?.buttons, [
        ["🎬 Создать видео"],
        ["⚡ Быстрый режим"],
        ["💰 Баланс", "📊 Статистика"],
        ["🎞 Мои видео"],
        ["❓ Помощь", "🇬🇧 English"],
      ]);
    },
  );

  await t.step("later /start: the menu only, names refreshed", async () => {
    const renamed = h.telegram.user(user.id, {
      first_name: "Серёжа",
      last_name: "Железнов",
      username: "serge_new",
    });
    const after = h.telegram.lastCallId();
    await say(h, renamed, "/start");
    const sent = h.telegram.callsOf("sendMessage").filter((c) => c.id > after);
    assert.equal(sent.length, 1);
    assert.match(String(sent[0]?.params.text), /Главное меню/);
    const account = await h.app.ledger.account(user.id);
    assert.equal(account?.firstName, "Серёжа");
    assert.equal(account?.lastName, "Железнов");
    assert.equal(account?.username, "serge_new");
    assert.deepEqual(await kinds(h, user.id), ["grant"], "one welcome bonus");
  });
});

Deno.test("onboarding in English, and with no bonus configured", async () => {
  await using h = await startHarness({ env: { DEFAULT_TOKENS: "0" } });
  const user = h.telegram.user(402, { first_name: "Ann", language_code: "en" });
  await say(h, user, "/start");
  const [welcome, menu] = h.telegram.chat(user.id)
    .filter((e) => e.from === "bot");
  assert.match(welcome?.text ?? "", /^👋 Hi, Ann!/);
  assert.match(welcome?.text ?? "", /ask the administrator to top up/);
  assert.doesNotMatch(welcome?.text ?? "", /bonus/);
  assert.match(menu?.text ?? "", /Balance: 0 tokens/);
  assert.deepEqual(menu?.buttons?.[4], ["❓ Help", "🇷🇺 Русский"]);
});

for (const locale of ["ru", "en"] as const) {
  Deno.test(`screens (${locale}): balance, statistics, help edit the menu in place`, async (t) => {
    await using h = await startHarness({
      env: { DEFAULT_TOKENS: "21", ADMIN_CONTACT: "@lora_admin" },
      stats: STATS,
    });
    const ru = locale === "ru";
    const user = h.telegram.user(403, {
      first_name: "Nik",
      language_code: locale,
    });
    await say(h, user, "/start");
    const menu = lastBot(h, user.id).message_id;
    const home = ru ? "🏠 Главное меню" : "🏠 Main menu";

    await t.step("balance: tokens and how many videos they buy", async () => {
      await press(h, user, menu, ru ? "💰 Баланс" : "💰 Balance");
      const screen = message(h, user.id, menu);
      assert.equal(
        screen.text,
        ru
          ? "💰 Ваш баланс: 21 токен\n\nЭтого хватит на:\n" +
            "• 4 видео по 5 сек (5 токенов за видео)\n" +
            "• 2 видео по 10 сек (10 токенов за видео)\n" +
            "• 1 видео по 15 сек (15 токенов за видео)"
          : "💰 Your balance: 21 tokens\n\nThat is enough for:\n" +
            "• 4 videos of 5 s (5 tokens each)\n" +
            "• 2 videos of 10 s (10 tokens each)\n" +
            "• 1 video of 15 s (15 tokens each)",
      );
      assert.deepEqual(screen.buttons, [[home]]);
      await press(h, user, menu, home);
      assert.match(
        message(h, user.id, menu).text ?? "",
        ru ? /Главное меню/ : /Main menu/,
      );
    });

    await t.step(
      "statistics: the user's videos and average times",
      async () => {
        await press(h, user, menu, ru ? "📊 Статистика" : "📊 Statistics");
        const text = message(h, user.id, menu).text ?? "";
        assert.equal(
          text,
          ru
            ? "📊 Статистика\n\nВы создали: 0 видео\n\n" +
              "Среднее время обработки:\n" +
              "• 5 сек, низкое: 1 мин 35 сек (3 шт.)\n" +
              "• 10 сек, среднее: 2 мин 58 сек (2 шт.)\n" +
              "В целом: 2 мин 8 сек"
            : "📊 Statistics\n\nYou have created: 0 videos\n\n" +
              "Average processing time:\n" +
              "• 5 s, low: 1 min 35 s (3 videos)\n" +
              "• 10 s, medium: 2 min 58 s (2 videos)\n" +
              "Overall: 2 min 8 s",
        );
        await press(h, user, menu, home);
      },
    );

    await t.step("help: how to, prices, the admin contact", async () => {
      await press(h, user, menu, ru ? "❓ Помощь" : "❓ Help");
      const text = message(h, user.id, menu).text ?? "";
      if (ru) {
        assert.match(text, /• 5 сек — 5 токенов\n• 10 сек — 10 токенов/);
        assert.match(text, /Пополнить баланс и задать вопрос: @lora_admin/);
      } else {
        assert.match(text, /• 5 s: 5 tokens\n• 10 s: 10 tokens/);
        assert.match(text, /To top up or ask a question: @lora_admin/);
      }
      assert.deepEqual(message(h, user.id, menu).buttons, [[home]]);
      // Every screen was an edit of the menu (after the welcome).
      const bot = h.telegram.chat(user.id).filter((e) => e.from === "bot");
      assert.deepEqual(bot.map((e) => e.message_id).slice(1), [menu]);
    });
  });
}

Deno.test("quick mode button: asks for a photo, then 10 s medium", async () => {
  await using h = await startHarness({
    comfy: { renderMs: 30, saved: FULL_SAVED },
  });
  const user = h.telegram.user(404, { first_name: "Kim" });
  await say(h, user, "/start");
  const menu = lastBot(h, user.id).message_id;
  await press(h, user, menu, "⚡ Быстрый режим");
  const screen = message(h, user.id, menu);
  assert.match(screen.text ?? "", /Быстрый режим: 10 секунд, среднее качество/);
  assert.deepEqual(screen.buttons, [["🏠 Главное меню"]]);
  const after = h.telegram.lastCallId();
  h.telegram.sendPhoto(user, SAMPLE_JPEG);
  await h.telegram.waitForCall("sendVideo", { after });
  await h.app.runner.idle();
  assert.deepEqual(h.comfy.requests[0]?.inputs, {
    duration: { value: 10 },
    size: { value: 600 },
  });
  const job = (await h.sql.all("SELECT mode FROM jobs", []))[0];
  assert.equal(job?.mode, "quick");
});

Deno.test("🎬 Создать ещё under a video opens the wizard in a new message", async () => {
  await using h = await startHarness({
    comfy: { renderMs: 30, saved: FULL_SAVED },
  });
  const user = h.telegram.user(405, { first_name: "Ola" });
  h.telegram.sendPhoto(user, SAMPLE_JPEG);
  const sent = await h.telegram.waitForCall("sendVideo");
  await h.app.runner.idle();
  const video = (sent.result as { message_id: number }).message_id;
  await press(h, user, video, "🎬 Создать ещё");
  const screen = lastBot(h, user.id);
  assert.notEqual(screen.message_id, video);
  assert.match(screen.text ?? "", /шаг 1 из 5/);
  assert.equal(message(h, user.id, video).kind, "video");
});

Deno.test("language: follows Telegram, switches in the menu, is remembered", async () => {
  await using h = await startHarness();
  const user = h.telegram.user(406, { first_name: "Pia", language_code: "uk" });
  await say(h, user, "/start");
  const menu = lastBot(h, user.id).message_id;
  assert.match(message(h, user.id, menu).text ?? "", /Главное меню/);

  const answer = await press(h, user, menu, "🇬🇧 English");
  assert.equal(answer.params.text, "Language: English");
  const english = message(h, user.id, menu);
  assert.match(english.text ?? "", /Main menu\n\n💰 Balance: 100 tokens/);
  assert.deepEqual(english.buttons?.[4], ["❓ Help", "🇷🇺 Русский"]);
  assert.equal((await h.app.ledger.account(user.id))?.language, "en");

  // The choice outlives the client's language and a restart.
  await h.restart();
  await say(h, user, "hello?");
  assert.match(lastBot(h, user.id).text ?? "", /I understand photos/);

  await press(h, user, menu, "🇷🇺 Русский");
  assert.match(message(h, user.id, menu).text ?? "", /Главное меню/);
  assert.equal((await h.app.ledger.account(user.id))?.language, "ru");

  // Any language other than ru, uk, be, kk gets English, not Russian.
  const german = h.telegram.user(408, {
    first_name: "Jo",
    language_code: "de",
  });
  await say(h, german, "/start");
  assert.match(lastBot(h, german.id).text ?? "", /Main menu/);
  assert.equal((await h.app.ledger.account(german.id))?.language, "en");
});

Deno.test("unknown text and commands get one hint with the menu", async () => {
  await using h = await startHarness();
  const user = h.telegram.user(407, { first_name: "Rob" });
  await h.telegram.waitForLongPoll();
  for (const text of ["hi", "/help", "/users", "/addtokens 407 1000"]) {
    const after = h.telegram.lastCallId();
    await say(h, user, text);
    assert.deepEqual(callsAfter(h, after), ["sendMessage"], text);
    const reply = lastBot(h, user.id);
    assert.match(reply.text ?? "", /Я понимаю только фотографии и кнопки/);
    assert.equal(reply.buttons?.[0]?.[0], "🎬 Создать видео");
  }
  assert.equal((await h.app.ledger.account(user.id))?.tokens, 100);
});

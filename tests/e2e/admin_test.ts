import assert from "node:assert/strict";
import { SAMPLE_JPEG } from "../fixtures/media.ts";
import { type Harness, startHarness } from "./harness.ts";
import { callsAfter, kinds, lastBot, message, press, say } from "./helpers.ts";

const ADMIN = 1001;

async function withAdmin(env: Record<string, string> = {}): Promise<Harness> {
  const h = await startHarness({
    comfy: { renderMs: 30 },
    env: { ADMIN_USER_IDS: `${ADMIN},1002`, ...env },
  });
  await h.telegram.waitForLongPoll();
  return h;
}

Deno.test("commands: /start for everyone, admin commands in admins' chats", async () => {
  await using h = await withAdmin();
  const calls = h.telegram.callsOf("setMyCommands");
  const find = (scope: unknown, language?: string) =>
    calls.find((c) =>
      JSON.stringify(c.params.scope) === JSON.stringify(scope) &&
      c.params.language_code === language
    )?.params.commands;
  assert.deepEqual(find({ type: "default" }), [
    { command: "start", description: "Главное меню" },
  ]);
  assert.deepEqual(find({ type: "default" }, "en"), [
    { command: "start", description: "Main menu" },
  ]);
  for (const id of [ADMIN, 1002]) {
    const commands = find({ type: "chat", "chat_id": id }) as {
      command: string;
    }[];
    assert.deepEqual(commands.map((c) => c.command), [
      "start",
      "addtokens",
      "users",
      "user",
      "stats",
      "backends",
      "refund",
      "broadcast",
      "grant_all",
      "dashboard",
      "ban",
      "unban",
    ]);
  }
  assert.equal(calls.length, 6);
});

Deno.test("/addtokens: adds, corrects down to zero, tells the user", async (t) => {
  await using h = await withAdmin();
  const admin = h.telegram.user(ADMIN, { first_name: "Boss" });
  const user = h.telegram.user(2002, {
    first_name: "Sergey",
    last_name: "Zheleznov",
    language_code: "en",
  });
  await say(h, user, "/start");

  await t.step("wrong arguments get the usage line", async () => {
    for (
      const text of [
        "/addtokens",
        "/addtokens 2002",
        "/addtokens 2002 ten",
        "/addtokens 2002 0",
        "/addtokens 2002 1.5",
        "/addtokens -2002 5",
        "/addtokens 2002 5 6",
        "/addtokens 2002 9999999999",
      ]
    ) {
      await say(h, admin, text);
      assert.match(
        lastBot(h, admin.id).text ?? "",
        /^Использование: \/addtokens USER_ID AMOUNT/,
        text,
      );
    }
    await say(h, admin, "/addtokens 999 10");
    assert.equal(lastBot(h, admin.id).text, "Пользователь 999 не найден.");
    assert.deepEqual(await kinds(h, user.id), ["grant"]);
  });

  await t.step("a positive amount: new balance, the user is told", async () => {
    const after = h.telegram.lastCallId();
    await say(h, admin, "/addtokens 2002 50");
    assert.equal(
      lastBot(h, admin.id).text,
      "✅ Sergey Zheleznov (ID 2002): +50 токенов.\n" +
        "💰 Новый баланс: 150 токенов.\n" +
        "📬 Пользователь получил уведомление.",
    );
    const notice = h.telegram.callsOf("sendMessage").find((c) =>
      c.id > after && c.params.chat_id === user.id
    );
    assert.equal(
      notice?.params.text,
      "🎁 You received 50 tokens!\n" +
        "💰 Balance: 150 tokens. Send a photo to create a video.",
    );
    assert.equal((await h.app.ledger.account(user.id))?.tokens, 150);
    const row = (await h.app.ledger.journal(user.id, 1))[0];
    assert.deepEqual([row?.kind, row?.amount, row?.tokensAfter], [
      "adjust",
      50,
      150,
    ]);
  });

  await t.step("a negative amount never goes below zero", async () => {
    await say(h, admin, "/addtokens 2002 -1");
    assert.match(lastBot(h, admin.id).text ?? "", /−1 токен\.\n/);
    const after = h.telegram.lastCallId();
    await say(h, admin, "/addtokens 2002 -500");
    assert.equal(
      lastBot(h, admin.id).text,
      "✅ Sergey Zheleznov (ID 2002): −149 токенов.\n" +
        "💰 Новый баланс: 0 токенов.\n" +
        "Запрошено −500, но баланс не может уйти ниже нуля.",
    );
    // Taking tokens away is a correction: the user gets no notice.
    assert.deepEqual(callsAfter(h, after), ["sendMessage"]);
    await say(h, admin, "/addtokens 2002 -5");
    assert.match(lastBot(h, admin.id).text ?? "", /баланс уже 0/);
    assert.equal((await h.app.ledger.account(user.id))?.tokens, 0);
    assert.deepEqual(await kinds(h, user.id), [
      "grant",
      "adjust",
      "adjust",
      "adjust",
    ]);
  });

  await t.step("a user who blocked the bot: the admin is told", async () => {
    h.telegram.blockBot(user.id);
    await say(h, admin, "/addtokens 2002 +7");
    assert.match(lastBot(h, admin.id).text ?? "", /\+7 токенов/);
    assert.match(lastBot(h, admin.id).text ?? "", /Уведомить .* не удалось/);
    assert.equal((await h.app.ledger.account(user.id))?.tokens, 7);
  });
});

Deno.test("admin commands from a non-admin: the unknown-command answer", async () => {
  await using h = await withAdmin();
  const user = h.telegram.user(2003, { first_name: "Mallory" });
  await say(h, user, "/start");
  await say(h, user, "/whatever");
  const unknown = lastBot(h, user.id).text;
  for (
    const text of [
      "/addtokens 2003 1000",
      "/users",
      "/user 2003",
      "/stats",
    ]
  ) {
    const after = h.telegram.lastCallId();
    await say(h, user, text);
    assert.deepEqual(callsAfter(h, after), ["sendMessage"], text);
    assert.equal(lastBot(h, user.id).text, unknown, text);
  }
  assert.equal((await h.app.ledger.account(user.id))?.tokens, 100);
  assert.deepEqual(await kinds(h, user.id), ["grant"]);
});

Deno.test("/users: the old bot's layout, 15 per page with ◀ ▶", async () => {
  await using h = await withAdmin();
  const admin = h.telegram.user(ADMIN, { first_name: "Boss" });
  await say(h, admin, "/start");
  for (let i = 1; i <= 17; i++) {
    const user = h.telegram.user(3000 + i, {
      first_name: `User${i}`,
      ...(i === 5 ? { last_name: "Five", username: "five" } : {}),
    });
    await say(h, user, "/start");
  }
  await say(h, admin, "/users");
  const list = lastBot(h, admin.id);
  const text = list.text ?? "";
  assert.match(text, /^📋 Пользователи:\n\n👤 /);
  assert.equal(text.match(/👤 /g)?.length, 15);
  assert.match(text, /📊 Всего пользователей: 18\nСтраница 1 из 2$/);
  assert.deepEqual(list.buttons, [["▶"]]);
  const today = new Date().toISOString().slice(0, 10).split("-").reverse()
    .join(".");

  await press(h, admin, list.message_id, "▶");
  const page2 = message(h, admin.id, list.message_id);
  assert.equal(page2.text?.match(/👤 /g)?.length, 3);
  assert.match(page2.text ?? "", /Страница 2 из 2$/);
  assert.deepEqual(page2.buttons, [["◀"]]);
  const all = (text + (page2.text ?? "")).match(/ID: \d+/g) ?? [];
  assert.equal(new Set(all).size, 18, "no user twice, none missing");
  const card = [text, page2.text ?? ""].join("\n").split("\n\n").find((c) =>
    c.includes("ID: 3005")
  );
  assert.equal(
    card,
    `👤 User5 Five\n   ID: 3005\n   @five\n   💰 Токенов: 100\n` +
      `   🎬 Видео: 0\n   📅 С ${today}`,
  );
  await press(h, admin, list.message_id, "◀");
  assert.equal(message(h, admin.id, list.message_id).text, text);
});

Deno.test("/user and /stats after some videos", async () => {
  await using h = await withAdmin({ ADMIN_CONTACT: "@boss" });
  const admin = h.telegram.user(ADMIN, { first_name: "Boss" });
  const user = h.telegram.user(4001, {
    first_name: "Vera",
    username: "vera",
    language_code: "en",
  });
  await say(h, admin, "/start");
  h.telegram.sendPhoto(user, SAMPLE_JPEG);
  await h.telegram.waitForCall("sendVideo");
  await h.app.runner.idle();
  h.comfy.mode = "error500";
  h.telegram.sendPhoto(user, SAMPLE_JPEG);
  await h.telegram.waitForCall("editMessageText", {
    where: (c) => /Could not create the video/.test(String(c.params.text)),
  });
  await h.app.runner.idle();

  await say(h, admin, "/user");
  assert.match(lastBot(h, admin.id).text ?? "", /^Использование: \/user/);
  await say(h, admin, "/user 4001");
  const detail = lastBot(h, admin.id).text ?? "";
  assert.match(detail, /^👤 Vera\nID: 4001\n@vera\n\n💰 Токенов: 90\n/);
  assert.match(detail, /💸 Потрачено: 10 токенов\n🎬 Видео: 1\n🌐 Язык: en/);
  assert.match(
    detail,
    /📒 Последние движения токенов:\n• .* возврат \+10 → 90/,
  );
  assert.match(detail, /• .* списание −10 → 90\n• .* резерв −10 → 90/);
  assert.match(detail, /• .* бонус \+100 → 100/);
  assert.match(
    detail,
    /🎬 Последние задачи:\n• .* 10 сек, среднее, 10 токенов — ошибка/,
  );
  assert.match(detail, /10 токенов — готово \(\d+ сек\)/);

  await say(h, admin, "/stats");
  const stats = lastBot(h, admin.id).text ?? "";
  assert.match(stats, /👥 Пользователей: 2 \(новых за 7 дней: 2\)/);
  assert.match(stats, /🎬 Видео: сегодня 1, за 7 дней 1, всего 1/);
  assert.match(stats, /⏳ Сейчас в работе: 0/);
  assert.match(stats, /💰 Списано: 10 токенов\n/);
  assert.match(stats, /❌ Сбоев: за 7 дней 1, всего 1/);
  assert.match(
    stats,
    /• 10 сек, среднее: \d+ сек \(1 шт\.\)\nВ целом: \d+ сек/,
  );
});

Deno.test("admin texts follow the admin's language", async () => {
  await using h = await withAdmin();
  const admin = h.telegram.user(ADMIN, {
    first_name: "Boss",
    language_code: "en",
  });
  await say(h, admin, "/addtokens x");
  assert.match(lastBot(h, admin.id).text ?? "", /^Usage: \/addtokens/);
  await say(h, admin, "/addtokens 1001 1");
  assert.match(
    lastBot(h, admin.id).text ?? "",
    /^✅ Boss \(ID 1001\): \+1 token\.\n💰 New balance: 101 tokens\./,
  );
  await say(h, admin, "/stats");
  assert.match(lastBot(h, admin.id).text ?? "", /^📊 Bot statistics/);
  await say(h, admin, "/users");
  assert.match(lastBot(h, admin.id).text ?? "", /Users in total: 1$/);
});

Deno.test("/backends: the render server's state, jobs and mean time", async () => {
  await using h = await withAdmin();
  const admin = h.telegram.user(ADMIN, {
    first_name: "Boss",
    language_code: "en",
  });
  const user = h.telegram.user(2010, { first_name: "Vi", language_code: "en" });
  h.telegram.sendPhoto(user, SAMPLE_JPEG);
  await h.telegram.waitForCall("sendVideo");
  await h.app.runner.idle();
  h.telegram.sendText(admin, "/backends");
  const reply = await h.telegram.waitForCall("sendMessage", {
    where: (c) => c.params.chat_id === ADMIN,
  });
  const text = String(reply.params.text);
  assert.match(text, /Render servers/);
  assert.match(text, /🟢 127\.0\.0\.1:\d+ \(connect\): up/);
  assert.match(text, /done: 1, failures: 0/);
  // Not for anyone else.
  const after = h.telegram.lastCallId();
  h.telegram.sendText(user, "/backends");
  const other = await h.telegram.waitForCall("sendMessage", { after });
  assert.doesNotMatch(String(other.params.text), /Render servers/);
});

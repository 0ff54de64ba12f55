import assert from "node:assert/strict";
import { startHarness } from "./harness.ts";
import { handled, lastBot, say } from "./helpers.ts";

const ADMIN = 1001;
const USERS = 500;

Deno.test("broadcast: 500 users, some blocked, stopped half-way and resumed, nobody gets it twice", async (t) => {
  await using h = await startHarness({
    // A pace that makes "half-way" last long enough to stop in.
    env: { ADMIN_USER_IDS: String(ADMIN), TELEGRAM_RATE: "400" },
  });
  await h.telegram.waitForLongPoll();
  const admin = h.telegram.user(ADMIN, { first_name: "Boss" });
  await say(h, admin, "/start");
  const ids: number[] = [];
  for (let i = 0; i < USERS; i++) {
    const id = 50_000 + i;
    ids.push(id);
    h.telegram.user(id);
    await h.app.ledger.ensureUser({ id, firstName: `U${i}` });
  }
  const blocked = new Set(ids.filter((_, i) => i % 25 === 7));
  for (const id of blocked) h.telegram.blockBot(id);

  const announce = h.telegram.sendText(admin, "Новая функция! 🎉");
  await handled(h, announce.update_id);
  const source = announce.message?.message_id ?? 0;

  await t.step(
    "a /broadcast that is not a reply gets the usage line",
    async () => {
      await say(h, admin, "/broadcast");
      assert.match(lastBot(h, admin.id).text ?? "", /Ответьте командой/);
    },
  );

  await t.step("stopped half-way, then resumed after a restart", async () => {
    const update = h.telegram.sendMessageUpdate(admin, {
      text: "/broadcast",
      entities: [{ type: "bot_command", offset: 0, length: 10 }],
      "reply_to_message": structuredClone(
        h.telegram.chat(admin.id).find((e) => e.message_id === source)
          ?.message,
      ) as never,
    });
    await handled(h, update.update_id);
    await h.telegram.waitForCall("copyMessage", {
      where: () => h.telegram.callsOf("copyMessage").length >= USERS / 2,
      timeoutMs: 30_000,
    });
    await h.restart();
    const atRestart = h.telegram.callsOf("copyMessage").length;
    assert.ok(atRestart < USERS, `stopped at ${atRestart}`);
    await h.telegram.waitForCall("sendMessage", {
      where: (c) => /Рассылка завершена/.test(String(c.params.text)),
      timeoutMs: 30_000,
    });
  });

  await t.step(
    "each user got it exactly once; blocked users are marked",
    async () => {
      const copies = h.telegram.callsOf("copyMessage");
      const perUser = new Map<number, number>();
      for (const c of copies) {
        const to = Number(c.params.chat_id);
        perUser.set(to, (perUser.get(to) ?? 0) + 1);
      }
      assert.equal(copies.length, USERS, "one attempt per user");
      assert.ok([...perUser.values()].every((n) => n === 1));
      for (const id of ids) {
        const got = h.telegram.chat(id).filter((e) => e.from === "bot");
        assert.equal(got.length, blocked.has(id) ? 0 : 1, `user ${id}`);
      }
      const marked =
        (await h.sql.all("SELECT COUNT(*) AS n FROM blocked_users", []))[0];
      assert.equal(Number(marked?.n), blocked.size);
      const final = lastBot(h, admin.id).text ?? "";
      assert.match(final, new RegExp(`Доставлено: ${USERS - blocked.size}`));
      assert.match(final, new RegExp(`Заблокировали бота: ${blocked.size}`));
      assert.match(final, /Ошибок: 0/);
    },
  );

  await t.step(
    "the next broadcast skips users who blocked the bot",
    async () => {
      const before = h.telegram.callsOf("copyMessage").length;
      const next = h.telegram.sendText(admin, "Ещё новость");
      await handled(h, next.update_id);
      const message = h.telegram.chat(admin.id).find((e) =>
        e.message_id === next.message?.message_id
      )?.message;
      const update = h.telegram.sendMessageUpdate(admin, {
        text: "/broadcast",
        entities: [{ type: "bot_command", offset: 0, length: 10 }],
        "reply_to_message": structuredClone(message) as never,
      });
      await handled(h, update.update_id);
      await h.telegram.waitForCall("sendMessage", {
        where: (c) =>
          /Рассылка завершена/.test(String(c.params.text)) &&
          h.telegram.callsOf("copyMessage").length >=
            before + USERS - blocked.size,
        timeoutMs: 30_000,
      });
      assert.equal(
        h.telegram.callsOf("copyMessage").length - before,
        USERS - blocked.size,
      );
    },
  );
});

Deno.test("/grant_all grants every user once, through the journal", async () => {
  await using h = await startHarness({
    env: { ADMIN_USER_IDS: String(ADMIN) },
  });
  await h.telegram.waitForLongPoll();
  const admin = h.telegram.user(ADMIN);
  const users = [4001, 4002, 4003].map((id) => h.telegram.user(id));
  for (const user of [admin, ...users]) await say(h, user, "/start");
  await say(h, admin, "/grant_all x");
  assert.match(lastBot(h, admin.id).text ?? "", /grant_all AMOUNT/);
  const update = h.telegram.sendText(admin, "/grant_all 20");
  await handled(h, update.update_id);
  assert.match(lastBot(h, admin.id).text ?? "", /4 пользователя/);
  h.telegram.redeliver(update);
  await handled(h, update.update_id);
  for (const user of users) {
    assert.equal((await h.app.ledger.account(user.id))?.tokens, 120);
  }
  await say(h, users[0] ?? admin, "/grant_all 20");
  assert.equal((await h.app.ledger.account(users[1]?.id ?? 0))?.tokens, 120);
});

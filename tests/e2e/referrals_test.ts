import assert from "node:assert/strict";
import { referralCode } from "../../lib/referrals/mod.ts";
import { SAMPLE_JPEG } from "../fixtures/media.ts";
import { startHarness } from "./harness.ts";
import { lastBot, press, say } from "./helpers.ts";

Deno.test("referrals: a new user's first video pays both sides once", async (t) => {
  await using h = await startHarness({
    env: { REFERRAL_BONUS: "30", ADMIN_USER_IDS: "1001" },
  });
  await h.telegram.waitForLongPoll();
  const anna = h.telegram.user(3001, { first_name: "Anna" });
  const boris = h.telegram.user(3002, { first_name: "Boris" });
  const old = h.telegram.user(3003, { first_name: "Old" });
  await say(h, anna, "/start");
  await say(h, old, "/start");
  const code = `ref_${referralCode(anna.id)}`;

  await t.step(
    "the balance screen leads to the link and a share button",
    async () => {
      await press(h, anna, lastBot(h, anna.id).message_id, "💰 Баланс");
      const balance = lastBot(h, anna.id);
      assert.match(balance.text ?? "", /Приглашено: 0 человек/);
      await press(h, anna, balance.message_id, "🎁 Пригласить друга");
      const invite = lastBot(h, anna.id);
      assert.match(
        invite.text ?? "",
        new RegExp(`https://t\\.me/lora_test_bot\\?start=${code}`),
      );
      const share = invite.message.reply_markup?.inline_keyboard[0]?.[0];
      assert.ok(share && "url" in share);
      assert.match(share.url, /^https:\/\/t\.me\/share\/url\?url=/);
    },
  );

  await t.step("self-referral and existing users earn nothing", async () => {
    await say(h, anna, `/start ${code}`);
    await say(h, old, `/start ${code}`);
    const rows =
      (await h.sql.all("SELECT COUNT(*) AS n FROM referrals", []))[0];
    assert.equal(Number(rows?.n), 0);
  });

  await t.step("the invited user's first video pays both, once", async () => {
    await say(h, boris, `/start ${code}`);
    assert.equal((await h.app.ledger.account(boris.id))?.tokens, 100);
    for (let i = 0; i < 2; i++) {
      const after = h.telegram.lastCallId();
      h.telegram.sendPhoto(boris, SAMPLE_JPEG, { width: 1280, height: 960 });
      await h.telegram.waitForCall("sendVideo", { after });
      await h.app.runner.idle();
    }
    assert.equal((await h.app.ledger.account(boris.id))?.tokens, 100 - 20 + 30);
    assert.equal((await h.app.ledger.account(anna.id))?.tokens, 130);
    const keys = (await h.sql.all(
      "SELECT idem_key FROM journal WHERE idem_key LIKE 'referral:%' ORDER BY id",
      [],
    )).map((r) => String(r.idem_key));
    assert.deepEqual(keys, [
      `referral:${boris.id}`,
      `referral:${boris.id}:inviter`,
    ]);
  });

  await t.step("counts on the balance screen and in /user", async () => {
    await say(h, anna, "/start");
    await press(h, anna, lastBot(h, anna.id).message_id, "💰 Баланс");
    assert.match(
      lastBot(h, anna.id).text ?? "",
      /Приглашено: 1 человек, бонус получен за 1 человек/,
    );
    const admin = h.telegram.user(1001);
    await say(h, admin, `/user ${anna.id}`);
    assert.match(
      lastBot(h, admin.id).text ?? "",
      /Пригласил: 1, из них с бонусом: 1/,
    );
  });
});

import assert from "node:assert/strict";
import type { Update } from "grammy/types";
import { verifyLedger } from "../../lib/ledger/verify.ts";
import { pay } from "../fakes/telegram/payments.ts";
import { SAMPLE_JPEG } from "../fixtures/media.ts";
import { journalKinds, startHarness } from "./harness.ts";
import { handled, lastBot, press, say } from "./helpers.ts";

const ADMIN = 1001;

async function withPacks() {
  const h = await startHarness({
    env: {
      ADMIN_USER_IDS: String(ADMIN),
      ADMIN_CONTACT: "@support",
      TOKEN_PACKS: "50:25,200:90",
    },
  });
  await h.telegram.waitForLongPoll();
  return h;
}

async function verified(
  h: Awaited<ReturnType<typeof withPacks>>,
): Promise<void> {
  const report = await verifyLedger(h.sql, {
    now: Date.now(),
    holdTimeoutMs: 3_600_000,
  });
  assert.ok(report.ok, JSON.stringify(report.broken));
}

Deno.test("Stars: buying a pack credits it once, re-delivered or not", async (t) => {
  await using h = await withPacks();
  const user = h.telegram.user(2001, { first_name: "Anna" });
  await say(h, user, "/start");

  await t.step("/paysupport and /terms are registered and answer", async () => {
    const commands = h.telegram.callsOf("setMyCommands").find((c) =>
      JSON.stringify(c.params.scope) === '{"type":"default"}' &&
      c.params.language_code === undefined
    )?.params.commands as { command: string }[];
    assert.deepEqual(commands.map((c) => c.command), [
      "start",
      "paysupport",
      "terms",
    ]);
    await say(h, user, "/paysupport");
    assert.match(lastBot(h, user.id).text ?? "", /Поддержка по платежам/);
    assert.match(lastBot(h, user.id).text ?? "", /@support/);
    await say(h, user, "/terms");
    assert.match(lastBot(h, user.id).text ?? "", /Условия/);
  });

  let invoice = h.telegram.calls[0];
  await t.step(
    "the balance shows the packs; a pack sends an XTR invoice",
    async () => {
      const menu = lastBot(h, user.id);
      await say(h, user, "/start");
      await press(h, user, lastBot(h, user.id).message_id, "💰 Баланс");
      const balance = lastBot(h, user.id);
      assert.ok(menu);
      assert.match(balance.text ?? "", /Telegram Stars/);
      assert.deepEqual(balance.buttons, [
        ["💎 50 токенов · 25 ⭐", "💎 200 токенов · 90 ⭐"],
        ["🏠 Главное меню"],
      ]);
      await press(h, user, balance.message_id, "💎 50 токенов · 25 ⭐");
      invoice = await h.telegram.waitForCall("sendInvoice");
      assert.equal(invoice.params.currency, "XTR");
      assert.deepEqual(invoice.params.prices, [{
        label: "50 токенов",
        amount: 25,
      }]);
      assert.equal(invoice.params.provider_token, undefined);
      assert.equal(invoice.params.payload, `p1:${user.id}:50:25`);
    },
  );

  let update: Update | undefined;
  await t.step("paying credits the tokens as a purchase", async () => {
    assert.ok(invoice);
    const paid = await pay(h.telegram, user, invoice);
    assert.equal(paid.answer.params.ok, true);
    assert.ok(paid.update);
    update = paid.update;
    await handled(h, paid.update.update_id);
    assert.equal((await h.app.ledger.account(user.id))?.tokens, 150);
    assert.deepEqual(await journalKinds(h.app, user.id), ["grant", "purchase"]);
    assert.equal(
      (await h.app.ledger.journal(user.id, 1))[0]?.idemKey,
      `purchase:${paid.chargeId}`,
    );
    assert.match(lastBot(h, user.id).text ?? "", /Оплата получена: \+50/);
  });

  await t.step(
    "a re-delivered payment (also after a restart) credits nothing",
    async () => {
      assert.ok(update);
      h.telegram.redeliver(update);
      await handled(h, update.update_id);
      await h.restart();
      h.telegram.redeliver(update);
      await handled(h, update.update_id);
      assert.equal((await h.app.ledger.account(user.id))?.tokens, 150);
      assert.deepEqual(await journalKinds(h.app, user.id), [
        "grant",
        "purchase",
      ]);
      await verified(h);
    },
  );

  await t.step(
    "a payment stored but not credited (a crash) is credited by the next start",
    async () => {
      const before = h.telegram.callsOf("sendInvoice").length;
      await press(
        h,
        user,
        h.telegram.chat(user.id).filter((e) =>
          e.buttons?.flat().includes("💎 200 токенов · 90 ⭐")
        ).at(-1)?.message_id ?? 0,
        "💎 200 токенов · 90 ⭐",
      );
      const second = h.telegram.callsOf("sendInvoice")[before];
      assert.ok(second);
      const paid = await pay(h.telegram, user, second);
      assert.ok(paid.update);
      await handled(h, paid.update.update_id);
      // The bot died after storing the update (Telegram was told it
      // arrived) and before the credit: simulate by undoing the credit and
      // the claim in the database.
      await h.sql.run(
        `UPDATE updates SET payload = ? WHERE update_id = ?`,
        [JSON.stringify(paid.update), paid.update.update_id],
      );
      await h.sql.run("DELETE FROM journal WHERE idem_key = ?", [
        `purchase:${paid.chargeId}`,
      ]);
      await h.sql.run("DELETE FROM payments WHERE charge_id = ?", [
        paid.chargeId ?? "",
      ]);
      await h.sql.run("UPDATE balances SET tokens = 150 WHERE user_id = ?", [
        user.id,
      ]);
      await h.restart();
      await h.app.handled(paid.update.update_id);
      assert.equal((await h.app.ledger.account(user.id))?.tokens, 350);
      await verified(h);
    },
  );
});

Deno.test("Stars: pre-checkout says no to another user's or a withdrawn pack", async () => {
  await using h = await withPacks();
  const anna = h.telegram.user(2001);
  const boris = h.telegram.user(2002);
  await say(h, anna, "/start");
  await say(h, boris, "/start");
  const invoice = {
    id: 0,
    method: "sendInvoice",
    params: {
      payload: `p1:${anna.id}:50:25`,
      currency: "XTR",
      prices: [{ amount: 25 }],
    },
    files: [],
    at: 0,
  } as unknown as Parameters<typeof pay>[2];
  const foreign = await pay(h.telegram, boris, invoice);
  assert.equal(foreign.answer.params.ok, false);
  assert.match(String(foreign.answer.params.error_message), /другому/);
  const gone = await pay(h.telegram, anna, invoice, {
    payload: `p1:${anna.id}:1000:400`,
  });
  assert.equal(gone.answer.params.ok, false);
  assert.match(String(gone.answer.params.error_message), /больше не продаётся/);
  assert.equal((await h.app.ledger.account(anna.id))?.tokens, 100);
  assert.equal((await h.app.ledger.account(boris.id))?.tokens, 100);
});

Deno.test("Stars: /refund gives the Stars back and takes the tokens, asking when some were spent", async (t) => {
  await using h = await withPacks();
  const admin = h.telegram.user(ADMIN, { first_name: "Boss" });
  const user = h.telegram.user(2003, { first_name: "Vera" });
  await say(h, admin, "/start");
  await say(h, user, "/start");
  const buy = async (label: string) => {
    await say(h, user, "/start");
    await press(h, user, lastBot(h, user.id).message_id, "💰 Баланс");
    const after = h.telegram.lastCallId();
    await press(h, user, lastBot(h, user.id).message_id, label);
    const invoice = await h.telegram.waitForCall("sendInvoice", { after });
    const paid = await pay(h.telegram, user, invoice);
    assert.ok(paid.update && paid.chargeId);
    await handled(h, paid.update.update_id);
    return paid.chargeId;
  };

  await t.step("unused tokens: refunded at once", async () => {
    const charge = await buy("💎 50 токенов · 25 ⭐");
    assert.equal((await h.app.ledger.account(user.id))?.tokens, 150);
    await say(h, admin, `/refund ${charge}`);
    const call = h.telegram.callsOf("refundStarPayment").at(-1);
    assert.deepEqual(call?.params, {
      "user_id": user.id,
      "telegram_payment_charge_id": charge,
    });
    assert.match(lastBot(h, admin.id).text ?? "", /25 ⭐ возвращены/);
    assert.equal((await h.app.ledger.account(user.id))?.tokens, 100);
    assert.deepEqual(await journalKinds(h.app, user.id), [
      "grant",
      "purchase",
      "refund",
    ]);
    assert.match(lastBot(h, user.id).text ?? "", /Вам возвращено 25 ⭐/);
    await say(h, admin, `/refund ${charge}`);
    assert.match(lastBot(h, admin.id).text ?? "", /уже возвращён/);
    assert.equal(h.telegram.callsOf("refundStarPayment").length, 1);
  });

  await t.step(
    "spent tokens: the admin is asked, then only what is left is taken",
    async () => {
      const charge = await buy("💎 200 токенов · 90 ⭐");
      await say(h, admin, `/addtokens ${user.id} -250`);
      assert.equal((await h.app.ledger.account(user.id))?.tokens, 50);
      await say(h, admin, `/refund ${charge}`);
      const question = lastBot(h, admin.id);
      assert.match(question.text ?? "", /осталось только 50 токенов/);
      assert.equal(h.telegram.callsOf("refundStarPayment").length, 1);
      await press(h, admin, question.message_id, "↩️ Да, вернуть звёзды");
      assert.equal(h.telegram.callsOf("refundStarPayment").length, 2);
      assert.equal((await h.app.ledger.account(user.id))?.tokens, 0);
      assert.equal((await h.app.ledger.journal(user.id, 1))[0]?.amount, -50);
    },
  );

  await t.step("the ledger still verifies", async () => {
    await verified(h);
  });

  await t.step("not an admin: /refund does not exist", async () => {
    await say(h, user, "/refund x");
    assert.equal(h.telegram.callsOf("refundStarPayment").length, 2);
  });
});

Deno.test("Stars: 'not enough tokens' sells the packs wherever it appears", async (t) => {
  await using h = await startHarness({
    comfy: { renderMs: 20 },
    env: {
      DEFAULT_TOKENS: "10",
      ADMIN_CONTACT: "@support",
      TOKEN_PACKS: "50:25,200:90",
    },
  });
  const user = h.telegram.user(2101, {
    first_name: "Lev",
    language_code: "ru",
  });
  const packs = ["💎 50 токенов · 25 ⭐", "💎 200 токенов · 90 ⭐"];
  const sellsPacks = (text: string, buttons: string[][] | undefined) => {
    assert.match(text, /Недостаточно токенов/);
    assert.match(text, /выберите пакет токенов кнопкой ниже/);
    // With packs on sale the user is not sent to the admin.
    assert.doesNotMatch(text, /администратор|@support/);
    assert.deepEqual(buttons?.[0], packs);
  };

  await t.step("the first video spends the whole balance", async () => {
    h.telegram.sendPhoto(user, SAMPLE_JPEG);
    await h.telegram.waitForCall("sendVideo");
    await h.app.runner.idle();
    assert.equal((await h.app.ledger.account(user.id))?.tokens, 0);
  });

  await t.step("quick mode: a photo with no tokens left", async () => {
    const after = h.telegram.lastCallId();
    h.telegram.sendPhoto(user, SAMPLE_JPEG);
    await h.telegram.waitForCall("sendMessage", { after });
    const reply = lastBot(h, user.id);
    sellsPacks(reply.text ?? "", reply.buttons);
  });

  await t.step("🔁 repeat under the video with no tokens left", async () => {
    const video = h.telegram.chat(user.id).filter((e) => e.from === "bot")
      .find((e) => e.buttons?.flat().includes("🔁 Повторить"));
    assert.ok(video, "the delivered video has a repeat button");
    const after = h.telegram.lastCallId();
    await press(h, user, video.message_id, "🔁 Повторить");
    await h.telegram.waitForCall("sendMessage", { after });
    const reply = lastBot(h, user.id);
    sellsPacks(reply.text ?? "", reply.buttons);
    assert.equal((await h.app.jobs.unfinished()).length, 0);
  });
});

/**
 * No user can slow down another (#14): at Telegram's real pace (one
 * message a second to a chat, 30 a second overall), one user flooding the
 * bot with 20 messages does not delay another user's /start, button or a
 * pre-checkout query, which Telegram gives up on after 10 s.
 */

import assert from "node:assert/strict";
import { startHarness } from "./harness.ts";
import { dataOf } from "./helpers.ts";

const FLOOD = 20;

Deno.test("at production pace a flooding user delays nobody else's /start, button or pre-checkout", async (t) => {
  await using h = await startHarness({
    env: {
      TELEGRAM_CHAT_INTERVAL: "1",
      TELEGRAM_RATE: "30",
      TOKEN_PACKS: "50:25,200:90",
    },
  });
  await h.telegram.waitForLongPoll();
  const chatty = h.telegram.user(1401, { first_name: "Flood" });
  const other = h.telegram.user(1402, { first_name: "Calm" });
  const buyer = h.telegram.user(1403, { first_name: "Buyer" });
  const toChatty = () =>
    h.telegram.callsOf("sendMessage").filter((c) =>
      c.params.chat_id === chatty.id
    ).length;

  for (let i = 0; i < FLOOD; i++) h.telegram.sendText(chatty, `hello ${i}`);
  // The flood is being answered, one message a second.
  await h.telegram.waitForCall("sendMessage", {
    where: (c) => c.params.chat_id === chatty.id,
  });
  await h.telegram.waitForCall("sendMessage", {
    where: (c) => c.params.chat_id === chatty.id && toChatty() >= 2,
  });

  await t.step("another user's /start is answered within 1.5 s", async () => {
    const sent = Date.now();
    h.telegram.sendText(other, "/start");
    const reply = await h.telegram.waitForCall("sendMessage", {
      where: (c) => c.params.chat_id === other.id,
    });
    const ms = reply.at - sent;
    assert.ok(ms < 1500, `/start answered after ${ms} ms`);
    assert.ok(toChatty() < FLOOD, "the flood is still being answered");
  });

  await t.step("a pre-checkout query is answered within 1 s", async () => {
    const sent = Date.now();
    h.telegram.injectUpdate({
      "pre_checkout_query": {
        id: "pcq-pace",
        from: { id: buyer.id, "is_bot": false, "first_name": "Buyer" },
        currency: "XTR",
        "total_amount": 25,
        "invoice_payload": `p1:${buyer.id}:50:25`,
      },
    });
    const answer = await h.telegram.waitForCall("answerPreCheckoutQuery", {
      where: (c) => c.params.pre_checkout_query_id === "pcq-pace",
    });
    const ms = answer.at - sent;
    assert.ok(ms < 1000, `pre-checkout answered after ${ms} ms`);
    assert.equal(answer.params.ok, true);
    assert.ok(toChatty() < FLOOD, "the flood is still being answered");
  });

  await t.step("another user's button is answered within 1 s", async () => {
    const menu = await h.telegram.waitForCall("sendMessage", {
      where: (c) =>
        c.params.chat_id === other.id && c.params.reply_markup !== undefined,
    });
    const entry = h.telegram.chat(other.id).find((e) =>
      e.message_id === (menu.result as { message_id: number }).message_id
    );
    assert.ok(entry);
    const sent = Date.now();
    const press = h.telegram.clickButton(
      other,
      entry.message_id,
      dataOf(entry, "💰 Баланс"),
    );
    const answer = await h.telegram.waitForCall("answerCallbackQuery", {
      where: (c) => c.params.callback_query_id === press.callback_query?.id,
    });
    const ms = answer.at - sent;
    assert.ok(ms < 1000, `button answered after ${ms} ms`);
    assert.ok(toChatty() < FLOOD, "the flood is still being answered");
  });

  await t.step("the flooding chat keeps Telegram's pace", () => {
    const times = h.telegram.callsOf("sendMessage")
      .filter((c) => c.params.chat_id === chatty.id)
      .map((c) => c.at);
    for (let i = 1; i < times.length; i++) {
      const gap = (times[i] ?? 0) - (times[i - 1] ?? 0);
      assert.ok(gap >= 950, `two messages to one chat ${gap} ms apart`);
    }
  });
});

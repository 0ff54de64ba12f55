/**
 * Bans: an admin's /ban stops a user: their photo starts no render, moves
 * no token and opens no account; they get one short reply at most per
 * interval; /user shows the ban, the audit table keeps who and when, and
 * /unban restores them.
 */

import assert from "node:assert/strict";
import { SAMPLE_JPEG } from "../fixtures/media.ts";
import { startHarness } from "./harness.ts";
import { pay } from "../fakes/telegram/payments.ts";
import {
  callsAfter,
  handled,
  kinds,
  lastBot,
  press,
  say,
  sendPhoto,
} from "./helpers.ts";

const ADMIN = 1001;

Deno.test("a banned user's photo starts no render and moves no token; /unban restores", async () => {
  await using h = await startHarness({
    comfy: { renderMs: 20 },
    env: { ADMIN_USER_IDS: `${ADMIN}` },
  });
  const admin = h.telegram.user(ADMIN, { language_code: "en" });
  const user = h.telegram.user(7301, { language_code: "en" });
  const stranger = h.telegram.user(7302, { language_code: "en" });
  await say(h, user, "/start");
  const before = await h.app.ledger.account(user.id);

  await say(h, admin, "/ban 7301 spam with photos");
  assert.match(
    String(lastBot(h, admin.id).text),
    /User 7301 is banned\. Reason: spam/,
  );
  await say(h, admin, `/ban ${stranger.id}`);

  const after = h.telegram.lastCallId();
  await sendPhoto(h, user, SAMPLE_JPEG);
  await sendPhoto(h, user, SAMPLE_JPEG);
  await say(h, user, "/start");
  await say(h, stranger, "/start");
  await h.app.runner.idle();
  // One short reply each, nothing else: no download, no render.
  const replies = h.telegram.callsOf("sendMessage").filter((c) => c.id > after);
  assert.deepEqual(
    replies.map((c) => [c.params.chat_id, c.params.text]),
    [
      [user.id, "⛔ Your access to this bot is blocked."],
      [stranger.id, "⛔ Your access to this bot is blocked."],
    ],
  );
  assert.equal(callsAfter(h, after).includes("getFile"), false);
  assert.equal(h.comfy.requests.length, 0);
  assert.deepEqual(await h.app.ledger.account(user.id), before);
  assert.deepEqual(await kinds(h, user.id), ["grant"]);
  // A banned user who never started the bot gets no account nor bonus.
  assert.equal(await h.app.ledger.account(stranger.id), undefined);

  // /user shows the ban; the audit table has who and when.
  await say(h, admin, "/user 7301");
  assert.match(
    String(lastBot(h, admin.id).text),
    /⛔ Banned .* \(admin 1001\)\. Reason: spam with photos/,
  );
  const audit = (await h.sql.all(
    "SELECT user_id, admin_id, action, reason FROM ban_audit ORDER BY id",
    [],
  )).map((r) => ({ ...r }));
  assert.deepEqual(audit, [
    {
      user_id: 7301,
      admin_id: ADMIN,
      action: "ban",
      reason: "spam with photos",
    },
    { user_id: 7302, admin_id: ADMIN, action: "ban", reason: null },
  ]);

  // Not an admin: /ban is no command at all.
  await say(h, user, "/unban 7301");
  assert.ok(
    (await h.sql.all("SELECT 1 FROM bans WHERE user_id = 7301", []))[0],
  );

  await say(h, admin, "/unban 7301");
  assert.match(String(lastBot(h, admin.id).text), /User 7301 is unbanned/);
  const unbanned = h.telegram.lastCallId();
  h.telegram.sendPhoto(user, SAMPLE_JPEG);
  await h.telegram.waitForCall("sendVideo", { after: unbanned });
  await h.app.runner.idle();
  assert.deepEqual(await kinds(h, user.id), ["grant", "hold", "capture"]);
  assert.equal(
    (await h.sql.all(
      "SELECT COUNT(*) AS n FROM ban_audit WHERE action = 'unban'",
      [],
    ))[0]?.n,
    1,
  );
});

Deno.test("an admin cannot be banned", async () => {
  await using h = await startHarness({
    env: { ADMIN_USER_IDS: `${ADMIN},1002` },
  });
  const admin = h.telegram.user(ADMIN, { language_code: "en" });
  await say(h, admin, "/ban 1002");
  assert.equal(String(lastBot(h, admin.id).text), "An admin cannot be banned.");
  await say(h, admin, "/ban nobody");
  assert.match(String(lastBot(h, admin.id).text), /^Usage: \/ban USER_ID/);
});

Deno.test("the dashboard's user page shows a ban", async () => {
  await using h = await startHarness({
    env: { ADMIN_USER_IDS: `${ADMIN}`, HTTP_PORT: "0" },
  });
  const admin = h.telegram.user(ADMIN, { language_code: "en" });
  const user = h.telegram.user(7311, { language_code: "en" });
  await say(h, user, "/start");
  await say(h, admin, "/ban 7311 fraud");
  await say(h, admin, "/dashboard");
  const link = /http:\/\/\S+/.exec(String(lastBot(h, ADMIN).text))?.[0];
  assert.ok(link);
  const opened = await fetch(link, { redirect: "manual" });
  await opened.body?.cancel();
  const cookie = String(opened.headers.get("set-cookie")).split(";")[0] ?? "";
  const base = `http://127.0.0.1:${h.app.httpPort}`;
  const page = await (await fetch(`${base}/dashboard/users/7311`, {
    headers: { cookie },
  })).text();
  assert.match(page, /<p id="ban">⛔ [^<]*: [^<]* · 1001 · fraud<\/p>/);
  const other = await (await fetch(`${base}/dashboard/users/${ADMIN}`, {
    headers: { cookie },
  })).text();
  assert.doesNotMatch(other, /id="ban"/);
});

Deno.test("a payment Telegram took before a ban is still credited; a new one is refused", async () => {
  await using h = await startHarness({
    env: { ADMIN_USER_IDS: `${ADMIN}`, TOKEN_PACKS: "50:25" },
  });
  const admin = h.telegram.user(ADMIN, { language_code: "en" });
  const user = h.telegram.user(7311, { language_code: "en" });
  await say(h, user, "/start");
  await press(h, user, lastBot(h, user.id).message_id, "💰 Balance");
  await press(h, user, lastBot(h, user.id).message_id, "💎 50 tokens · 25 ⭐");
  const invoice = await h.telegram.waitForCall("sendInvoice");
  await say(h, admin, "/ban 7311");
  // The pre-checkout was answered before the ban; the payment lands after.
  const paid = h.telegram.sendMessageUpdate(user, {
    "successful_payment": {
      currency: "XTR",
      "total_amount": 25,
      "invoice_payload": String(invoice.params.payload),
      "telegram_payment_charge_id": "stxBANRACE1",
      "provider_payment_charge_id": "",
    },
  });
  await handled(h, paid.update_id);
  assert.equal((await h.app.ledger.account(user.id))?.tokens, 150);
  assert.deepEqual(await kinds(h, user.id), ["grant", "purchase"]);
  // A new purchase by the banned user is refused at the pre-checkout.
  const refused = await pay(h.telegram, user, invoice);
  assert.equal(refused.answer.params.ok, false);
  assert.equal(refused.update, undefined);
});

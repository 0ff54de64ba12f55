/**
 * Webhook mode: the bot registers its URL and secret with setWebhook, takes
 * updates POSTed to /telegram only with the right secret header, answers at
 * once and handles them afterwards.
 */

import assert from "node:assert/strict";
import { SECRET_HEADER } from "../../lib/http/webhook.ts";
import { startHarness } from "./harness.ts";

const SECRET = "test_secret-0123456789";
const URL_ = "https://bot.example.test/telegram";

Deno.test("webhook mode: setWebhook, then only updates with the secret are handled", async (t) => {
  await using h = await startHarness({
    env: { WEBHOOK_URL: URL_, WEBHOOK_SECRET: SECRET, HTTP_PORT: "0" },
  });
  const endpoint = `http://127.0.0.1:${h.app.httpPort}/telegram`;
  const post = (update: unknown, secret?: string) =>
    fetch(endpoint, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(secret === undefined ? {} : { [SECRET_HEADER]: secret }),
      },
      body: JSON.stringify(update),
    });
  const user = h.telegram.user(801, { first_name: "Lev", language_code: "en" });

  await t.step("setWebhook carries the URL, the secret and the updates", () => {
    const [call] = h.telegram.callsOf("setWebhook");
    assert.equal(call?.params.url, URL_);
    assert.equal(call?.params.secret_token, SECRET);
    assert.deepEqual(call?.params.allowed_updates, [
      "message",
      "callback_query",
      "pre_checkout_query",
      "inline_query",
    ]);
    assert.equal(h.telegram.pollCount, 0, "no long polling in webhook mode");
  });

  await t.step(
    "a missing or wrong secret is 401 and nothing is handled",
    async () => {
      const update = h.telegram.sendText(user, "/start");
      for (const secret of [undefined, "wrong", `${SECRET}x`, ""]) {
        const response = await post(update, secret);
        await response.body?.cancel();
        assert.equal(response.status, 401, `secret ${secret}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(h.telegram.callsOf("sendMessage").length, 0);
      assert.equal(await h.app.ledger.account(user.id), undefined);
    },
  );

  await t.step(
    "the right secret: 200 at once, then the bot answers",
    async () => {
      const update = h.telegram.sendText(user, "/start");
      const response = await post(update, SECRET);
      await response.body?.cancel();
      assert.equal(response.status, 200);
      const reply = await h.telegram.waitForCall("sendMessage");
      assert.equal(reply.params.chat_id, user.id);
      assert.equal((await h.app.ledger.account(user.id))?.tokens, 100);
      assert.equal(h.app.metrics.updates.get(), 1);
    },
  );

  await t.step("a body that is not an update is 400", async () => {
    const response = await post({ hello: 1 }, SECRET);
    await response.body?.cancel();
    assert.equal(response.status, 400);
  });
});

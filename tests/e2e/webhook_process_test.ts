/**
 * Webhook mode at least once (#14), with the real bot process: an update
 * answered 200 is stored, so a SIGKILL before it is handled loses nothing;
 * the next start handles it, once, and a `successful_payment` is credited
 * once even when Telegram sends it again.
 */

import assert from "node:assert/strict";
import { SECRET_HEADER } from "../../lib/http/webhook.ts";
import { FakeComfy } from "../fakes/comfyui/mod.ts";
import { FakeTelegram, type FakeUser } from "../fakes/telegram/mod.ts";
import { until } from "../pg/bots.ts";
import { botCommand, MAIN, processStore } from "./bot_process.ts";

const SECRET = "process_secret-0123456789";

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

function paymentUpdate(telegram: FakeTelegram, user: FakeUser) {
  return telegram.sendMessageUpdate(user, {
    "successful_payment": {
      currency: "XTR",
      "total_amount": 25,
      "invoice_payload": `p1:${user.id}:50:25`,
      "telegram_payment_charge_id": "stxPROCESS000001",
      "provider_payment_charge_id": "",
    },
  });
}

Deno.test("webhook: an update answered 200, then SIGKILL, is handled once by the next start", async () => {
  await using telegram = await FakeTelegram.start();
  await using comfy = await FakeComfy.start();
  const dataDir = await Deno.makeTempDir({ prefix: "lora-webhook-" });
  await using store = await processStore(dataDir);
  const query = async (sql: string) =>
    (await store.all(sql)).map((row) => ({ ...row }));
  const port = freePort();
  const env = {
    BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    COMFYUI_URL: comfy.url,
    DATA_DIR: dataDir,
    WEBHOOK_URL: "https://bot.example.test/telegram",
    WEBHOOK_SECRET: SECRET,
    HTTP_PORT: String(port),
    TOKEN_PACKS: "50:25",
    ...store.env,
  };
  const post = async (update: unknown) => {
    const response = await fetch(`http://127.0.0.1:${port}/telegram`, {
      method: "POST",
      headers: { "content-type": "application/json", [SECRET_HEADER]: SECRET },
      body: JSON.stringify(update),
    });
    await response.body?.cancel();
    return response.status;
  };
  const user = telegram.user(1451, { first_name: "Payer" });
  const receipts = () =>
    telegram.callsOf("sendMessage").filter((c) =>
      c.params.chat_id === user.id && /Оплата получена/.test(
        String(c.params.text),
      )
    ).length;
  let bot = botCommand(env, { output: "null" }).spawn();
  try {
    await telegram.waitForCall("setWebhook", { timeoutMs: 30_000 });
    // The user's /start hangs in Telegram, so the payment after it waits
    // in the chat's turn: stored and answered, not handled yet.
    telegram.failNext("sendMessage", { kind: "timeout" });
    assert.equal(await post(telegram.sendText(user, "/start")), 200);
    await telegram.waitForCall("sendMessage", {
      where: (c) => c.params.chat_id === user.id,
    });
    const paid = paymentUpdate(telegram, user);
    assert.equal(await post(paid), 200);
    assert.deepEqual(
      await query(
        `SELECT CASE WHEN payload IS NOT NULL THEN 1 ELSE 0 END AS stored
         FROM updates WHERE update_id = ${paid.update_id}`,
      ),
      [{ stored: 1 }],
    );
    assert.equal((await query("SELECT * FROM payments")).length, 0);
    bot.kill("SIGKILL");
    await bot.status;

    bot = botCommand(env, { output: "null" }).spawn();
    await until("the payment credited", () => receipts() === 1);
    // Telegram sends it again (it may, when an answer was lost): no credit.
    await telegram.waitForCall("setWebhook", {
      where: () => telegram.callsOf("setWebhook").length === 2,
    });
    assert.equal(await post(paid), 200);
    await until(
      "the update handled",
      async () =>
        (await query("SELECT 1 FROM updates WHERE payload IS NOT NULL"))
          .length === 0,
    );
  } finally {
    bot.kill("SIGTERM");
    await bot.status;
  }
  try {
    assert.equal(receipts(), 1, "one receipt");
    assert.deepEqual(
      await query("SELECT tokens FROM balances WHERE user_id = 1451"),
      [{ tokens: 150 }],
    );
    assert.deepEqual(
      await query("SELECT kind FROM journal WHERE user_id = 1451 ORDER BY id"),
      [{ kind: "grant" }, { kind: "purchase" }],
    );
    const verify = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--quiet",
        "--allow-read",
        "--allow-env",
        "--allow-net=127.0.0.1",
        MAIN,
        "verify",
      ],
      env: { NO_COLOR: "1", DATA_DIR: dataDir, ...store.env },
      clearEnv: true,
      stdout: "null",
      stderr: "piped",
    }).output();
    assert.equal(verify.code, 0, new TextDecoder().decode(verify.stderr));
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

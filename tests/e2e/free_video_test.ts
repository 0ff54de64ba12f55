import assert from "node:assert/strict";
import { verifyLedger } from "../../lib/ledger/verify.ts";
import type { FakeUser } from "../fakes/telegram/mod.ts";
import { SAMPLE_JPEG } from "../fixtures/media.ts";
import { type Harness, startHarness } from "./harness.ts";
import { kinds, lastBot, message, press, say, sendPhoto } from "./helpers.ts";

// A 5 s, low-quality video through the wizard; returns the confirmation.
async function fiveSeconds(h: Harness, user: FakeUser): Promise<string> {
  await say(h, user, "/start");
  await press(h, user, lastBot(h, user.id).message_id, "🎬 Создать видео");
  await sendPhoto(h, user, SAMPLE_JPEG);
  const wizard = lastBot(h, user.id).message_id;
  await press(h, user, wizard, "🤖 Автоматически");
  await press(h, user, wizard, "5 сек · 5 токенов");
  await press(h, user, wizard, "низкое · 300 px");
  const confirm = message(h, user.id, wizard).text ?? "";
  // Counted before the press: the render may start before it returns.
  const requests = h.comfy.requests.length;
  await press(h, user, wizard, "✅ Создать видео");
  await h.comfy.waitForRequest({ after: requests });
  await h.app.runner.idle();
  return confirm;
}

async function balanceScreen(h: Harness, user: FakeUser): Promise<string> {
  await say(h, user, "/start");
  const menu = lastBot(h, user.id).message_id;
  await press(h, user, menu, "💰 Баланс");
  return message(h, user.id, menu).text ?? "";
}

async function assertVerified(h: Harness): Promise<void> {
  const report = await verifyLedger(h.sql, {
    now: Date.now(),
    holdTimeoutMs: 3_600_000,
  });
  assert.equal(report.ok, true, JSON.stringify(report.broken));
}

Deno.test("free video: free once a day, then charged; verify holds", async (t) => {
  await using h = await startHarness({
    comfy: { renderMs: 20 },
    env: { FREE_VIDEOS_PER_DAY: "1" },
  });
  const user = h.telegram.user(821, { first_name: "Fay" });

  await t.step("the balance screen offers it", async () => {
    assert.match(
      await balanceScreen(h, user),
      /🎁 Бесплатные видео по 5 сек сегодня: 1 из 1/,
    );
  });

  await t.step(
    "the first 5 s video is free: a grant and its spend",
    async () => {
      const confirm = await fiveSeconds(h, user);
      assert.match(confirm, /🎁 Это видео бесплатное/);
      assert.equal((await h.app.ledger.account(user.id))?.tokens, 100);
      assert.deepEqual(await kinds(h, user.id), [
        "grant",
        "grant",
        "hold",
        "capture",
      ]);
      assert.ok(
        h.telegram.chat(user.id).some((e) =>
          /Готово! Это было бесплатное видео дня/.test(e.text ?? "")
        ),
      );
      await assertVerified(h);
    },
  );

  await t.step("the balance screen says when the next one comes", async () => {
    const text = await balanceScreen(h, user);
    assert.match(text, /сегодня: 0 из 1/);
    assert.match(text, /Следующее бесплатное видео — через \d+ (ч|мин)/);
  });

  await t.step("the second one that day is charged", async () => {
    const confirm = await fiveSeconds(h, user);
    assert.doesNotMatch(confirm, /бесплатное/);
    assert.equal((await h.app.ledger.account(user.id))?.tokens, 95);
    assert.deepEqual((await kinds(h, user.id)).slice(4), ["hold", "capture"]);
    await assertVerified(h);
  });
});

Deno.test("free video: a failed one takes its grant back and stays available", async () => {
  await using h = await startHarness({
    comfy: { renderMs: 20, mode: "error500" },
    env: { FREE_VIDEOS_PER_DAY: "1" },
  });
  const user = h.telegram.user(822, { first_name: "Gus" });
  await fiveSeconds(h, user);
  assert.equal((await h.app.ledger.account(user.id))?.tokens, 100);
  assert.deepEqual(await kinds(h, user.id), [
    "grant",
    "grant",
    "hold",
    "release",
    "adjust",
  ]);
  await assertVerified(h);
  assert.equal(await h.app.jobs.freeLeft(user.id, 1), 1);
});

Deno.test("free video: off by default; 10 s videos are never free", async () => {
  await using h = await startHarness({ comfy: { renderMs: 20 } });
  const user = h.telegram.user(823, { first_name: "Hal" });
  assert.doesNotMatch(await balanceScreen(h, user), /🎁/);
  await fiveSeconds(h, user);
  assert.equal((await h.app.ledger.account(user.id))?.tokens, 95);
});

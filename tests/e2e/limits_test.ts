/**
 * Telegram's limits: a 429 is waited out and repeated (the video still
 * arrives and is charged once), a 5xx is retried, and the messages to one
 * chat keep Telegram's per-chat pace without ever editing a message to the
 * text it already has.
 */

import assert from "node:assert/strict";
import { SAMPLE_JPEG, SAMPLE_MP4 } from "../fixtures/media.ts";
import { journalKinds, startHarness } from "./harness.ts";

Deno.test("a 429 on sendVideo is waited out: the video arrives, charged once", async () => {
  await using h = await startHarness();
  const user = h.telegram.user(601, {
    first_name: "Rita",
    language_code: "en",
  });
  h.telegram.failNext("sendVideo", { kind: "429", retryAfter: 1 });
  h.telegram.sendPhoto(user, SAMPLE_JPEG);
  const video = await h.telegram.waitForCall("sendVideo", {
    where: (c) => c.error === undefined,
  });
  assert.deepEqual(video.files[0]?.bytes, SAMPLE_MP4);
  await h.app.runner.idle();
  const [refused, accepted] = h.telegram.callsOf("sendVideo");
  assert.equal(refused?.error?.code, 429);
  assert.ok(
    (accepted?.at ?? 0) - (refused?.at ?? 0) >= 950,
    "retried before retry_after passed",
  );
  assert.equal(h.telegram.callsOf("sendVideo").length, 2);
  assert.deepEqual(await journalKinds(h.app, user.id), [
    "grant",
    "hold",
    "capture",
  ]);
  assert.deepEqual(
    [
      (await h.app.ledger.account(user.id))?.tokens,
      (await h.app.ledger.account(user.id))?.held,
    ],
    [90, 0],
  );
  assert.equal(h.app.metrics.telegramErrors.get("429"), 1);
  assert.ok(h.logs.some((l) => /retrying a Bot API call.*kind=429/.test(l)));
});

Deno.test("a 502 on sendMessage is retried after a short backoff", async () => {
  await using h = await startHarness();
  const user = h.telegram.user(602, {
    first_name: "Oleg",
    language_code: "en",
  });
  h.telegram.failNext("sendMessage", { kind: "5xx", status: 502 });
  h.telegram.sendText(user, "/start");
  await h.telegram.waitForCall("sendMessage", {
    where: (c) => c.error === undefined,
  });
  assert.equal(h.telegram.callsOf("sendMessage")[0]?.error?.code, 502);
  assert.equal(h.app.metrics.telegramErrors.get("5xx"), 1);
});

Deno.test("calls to one chat keep the per-chat pace; no edit repeats a text", async () => {
  const intervalMs = 200;
  await using h = await startHarness({
    comfy: { renderMs: 900 },
    env: { TELEGRAM_CHAT_INTERVAL: "0.2", PROGRESS_INTERVAL: "0.05" },
  });
  const user = h.telegram.user(603, {
    first_name: "Vera",
    language_code: "en",
  });
  h.telegram.sendPhoto(user, SAMPLE_JPEG);
  await h.telegram.waitForCall("editMessageText", {
    where: (c) => /charged/i.test(String(c.params.text)),
    timeoutMs: 20_000,
  });
  // A chat action is not a message: it is paced only by the global budget.
  const toChat = h.telegram.calls.filter((c) =>
    c.params.chat_id === user.id && c.method !== "sendChatAction"
  );
  assert.ok(toChat.length >= 5, `only ${toChat.length} calls`);
  // Arrivals, not the ends of the requests: an upload ends later.
  const arrivals = toChat.map((c) => c.receivedAt ?? 0);
  for (let i = 1; i < toChat.length; i++) {
    const gap = Math.round((arrivals[i] ?? 0) - (arrivals[i - 1] ?? 0));
    // A few ms of slack: the fake stamps arrival, the throttle departure.
    assert.ok(
      gap >= intervalMs - 20,
      `calls ${i - 1}, ${i} (${toChat[i - 1]?.method}, ${
        toChat[i]?.method
      }): ` +
        `${gap} ms apart`,
    );
  }
  const edits = h.telegram.callsOf("editMessageText");
  assert.deepEqual(edits.filter((c) => c.error !== undefined), []);
});

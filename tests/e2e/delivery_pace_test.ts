/**
 * At Telegram's real per-chat pace (1 s) the finished video is sent at
 * once: the progress bar keeps out of the chat's last turns before the
 * predicted end, and no status edit or chat action goes before the video.
 */

import assert from "node:assert/strict";
import { SAMPLE_JPEG } from "../fixtures/media.ts";
import { startHarness } from "./harness.ts";

const RENDER_MS = 2500;

Deno.test("the video goes out right after ComfyUI finishes, at the production pace", async () => {
  await using h = await startHarness({
    comfy: { renderMs: RENDER_MS, mode: "history" },
    env: { TELEGRAM_CHAT_INTERVAL: "1", PROGRESS_INTERVAL: "0.25" },
    // A running bot has learned how long a render takes.
    stats: JSON.stringify({
      times: [2.5, 2.5, 2.5],
      "times_by_settings": { "10_medium": [2.5, 2.5, 2.5] },
    }),
  });
  const user = h.telegram.user(604, { first_name: "Lev", language_code: "en" });
  h.telegram.sendPhoto(user, SAMPLE_JPEG);
  const video = await h.telegram.waitForCall("sendVideo", {
    timeoutMs: 20_000,
  });
  const entry = Object.values(h.comfy.history.list())[0];
  const success = entry?.status.messages.find(([t]) =>
    t === "execution_success"
  );
  const finishedAt = Number(
    (success?.[1] as { timestamp?: number })?.timestamp,
  );
  assert.ok(finishedAt > 0, "ComfyUI recorded the end of the render");
  const arrivedAt = performance.timeOrigin + (video.receivedAt ?? 0);
  const overhead = arrivedAt - finishedAt;
  // Without the quiet end, a bar edit in the last second makes the video
  // wait for the chat's next turn: 750 ms or more.
  assert.ok(overhead < 400, `the video waited ${Math.round(overhead)} ms`);
  const toChat = h.telegram.calls.filter((c) => c.params.chat_id === user.id);
  const before = toChat[toChat.indexOf(video) - 1];
  assert.equal(before?.method, "editMessageText", "a bar edit, not a status");
  assert.doesNotMatch(String(before?.params.text), /sending/i);
});

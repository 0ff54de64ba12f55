/**
 * ProgressReporter keeps the chat free for the video: no bar edit in the
 * last seconds of a predicted render, none left over once it ended.
 * Virtual time: each sleep moves the clock on at once.
 */

import assert from "node:assert/strict";
import type { Api } from "grammy";
import type { Clock } from "../../lib/clock.ts";
import { ProgressReporter } from "../../lib/bot/job_view/progress_reporter.ts";
import { silentLogger } from "../../lib/log.ts";

interface Edit {
  readonly at: number;
  readonly text: string;
}

// A clock whose sleeps return at once, `stopAt` ms in: then `onStop` runs.
function virtualClock(stopAt: number, onStop: () => void) {
  let now = 0;
  const clock: Clock = {
    now: () => now,
    sleep: (ms, signal) => {
      if (signal?.aborted) return Promise.reject(signal.reason);
      now += ms;
      if (now > stopAt) onStop();
      return signal?.aborted
        ? Promise.reject(signal.reason)
        : new Promise((resolve) => setTimeout(resolve, 0));
    },
  };
  return clock;
}

function fakeApi(clock: () => Clock, edits: Edit[], hold?: Promise<void>) {
  return {
    sendMessage: () => Promise.resolve({ message_id: 1 }),
    editMessageText: async (_chat: number, _id: number, text: string) => {
      edits.push({ at: clock().now(), text });
      await hold;
      return true;
    },
  } as unknown as Api;
}

function reporter(api: Api, clock: Clock, quietBeforeEndMs: number) {
  return new ProgressReporter({
    api,
    clock,
    log: silentLogger,
    chatId: 7,
    locale: "en",
    intervalMs: 1000,
    messageId: 1,
    quietBeforeEndMs,
  });
}

async function ticksUntil(
  stopAt: number,
  quietBeforeEndMs: number,
): Promise<number[]> {
  const edits: Edit[] = [];
  let stopped!: () => void;
  const done = new Promise<void>((resolve) => stopped = resolve);
  // The reporter is made below; the clock only calls back once it ticks.
  const clock = virtualClock(stopAt, () => {
    r.stopTicking();
    stopped();
  });
  const r = reporter(fakeApi(() => clock, edits), clock, quietBeforeEndMs);
  r.startTicking(0, 10_000);
  await done;
  return edits.map((e) => e.at);
}

Deno.test("ProgressReporter skips bar edits around the predicted end of a render", async () => {
  // 10 s predicted, one tick a second, quiet for the last 2 s.
  const at = await ticksUntil(14_000, 2000);
  assert.deepEqual(
    at,
    [0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 13_000, 14_000],
    "quiet from 8 s (2 s left) to 12 s: then the prediction proved wrong",
  );
});

Deno.test("ProgressReporter without a quiet time edits on every tick", async () => {
  const at = await ticksUntil(4000, 0);
  assert.deepEqual(at, [0, 1000, 2000, 3000, 4000]);
});

Deno.test("ProgressReporter drops a tick still queued when the render ended", async () => {
  const edits: Edit[] = [];
  let release!: () => void;
  const hold = new Promise<void>((resolve) => release = resolve);
  const clock = virtualClock(Infinity, () => {});
  const r = reporter(fakeApi(() => clock, edits, hold), clock, 0);
  // A status edit hangs (a slow Telegram); the first tick queues behind it.
  const status = r.show("queued");
  r.startTicking(0, 10_000);
  r.stopTicking();
  release();
  await status;
  await r.show("done");
  assert.deepEqual(edits.map((e) => e.text), ["queued", "done"]);
});

/**
 * The Bot API throttle on a manual clock: time moves only when every
 * queued call has had its chance to start, so the start times asserted
 * are exact.
 */

import assert from "node:assert/strict";
import type { Transformer } from "grammy";
import {
  type ThrottleLimits,
  throttleTransformer,
} from "../../lib/telegram/throttle.ts";
import { ManualClock } from "../fakes/manual_clock.ts";

/** One call as the fake API saw it: when it started and when it was let finish. */
interface Started {
  readonly method: string;
  readonly chat: unknown;
  readonly text: unknown;
  readonly at: number;
  /** Calls to the same chat in flight when it started (itself excluded). */
  readonly alongside: number;
  finish(): void;
}

/** The throttle over a fake API whose calls finish at once unless held. */
function setup(limits: Partial<ThrottleLimits> = {}, hold = false) {
  const clock = new ManualClock();
  const started: Started[] = [];
  const inFlight = new Map<unknown, number>();
  const waits: number[] = [];
  const transformer: Transformer = throttleTransformer({
    perSecond: 10,
    chatIntervalMs: 1000,
    groupPerMinute: 20,
    ...limits,
  }, { clock, onWait: (ms) => waits.push(ms) });
  // deno-lint-ignore no-explicit-any
  const prev: any = (method: string, payload: Record<string, unknown>) =>
    new Promise((resolve) => {
      const chat = payload.chat_id;
      const alongside = inFlight.get(chat) ?? 0;
      inFlight.set(chat, alongside + 1);
      const finish = () => {
        inFlight.set(chat, (inFlight.get(chat) ?? 1) - 1);
        resolve({ ok: true, result: method });
      };
      const at = clock.now();
      started.push({ method, chat, text: payload.text, at, alongside, finish });
      if (!hold) finish();
    });
  const call = (
    method: string,
    payload: Record<string, unknown>,
    signal?: AbortSignal,
  ) => transformer(prev, method as never, payload as never, signal as never);
  return { clock, started, call, waits };
}

// Lets the throttle's timers and promises run until nothing changes for a
// few turns, then moves the clock to the next deadline, until `done`
// holds; bounded by a deadline.
async function runUntil(
  clock: ManualClock,
  done: () => boolean,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  let last = "";
  while (!done()) {
    if (Date.now() > deadline) throw new Error("runUntil: timed out");
    await new Promise((resolve) => setTimeout(resolve, 0));
    const state = `${clock.now()}:${clock.sleeping}`;
    quiet = state === last ? quiet + 1 : 0;
    last = state;
    if (quiet >= QUIET_TURNS && clock.advance()) quiet = 0;
  }
}

const QUIET_TURNS = 10;

const at = (started: Started[]) => started.map((s) => s.at);

Deno.test("throttle spaces calls with a chat_id evenly by the global budget", async () => {
  const { clock, started, call } = setup({ perSecond: 10 });
  const calls = [1, 2, 3, 4, 5].map((chat) =>
    call("sendMessage", { "chat_id": chat, text: "hi" })
  );
  calls.push(call("sendChatAction", { "chat_id": 6, action: "typing" }));
  calls.push(call("editMessageText", { "chat_id": 7, text: "edit" }));
  await runUntil(clock, () => started.length === 7);
  await Promise.all(calls);
  assert.deepEqual(at(started), [0, 100, 200, 300, 400, 500, 600]);
});

Deno.test("throttle reports how long each paced call waited (for /metrics)", async () => {
  const { clock, started, call, waits } = setup({ perSecond: 10 });
  const calls = [1, 2, 3].map((chat) =>
    call("sendMessage", { "chat_id": chat, text: "hi" })
  );
  calls.push(call("sendChatAction", { "chat_id": 4, action: "typing" }));
  calls.push(call("sendMessage", { "chat_id": 1, text: "again" }));
  calls.push(call("getUpdates", { offset: 1 }));
  await runUntil(clock, () => started.length === 6);
  await Promise.all(calls);
  // Every call was asked at 0, so each wait is its start time; getUpdates
  // is not paced and not reported; chat 1's second message waits at least
  // its chat's interval.
  const paced = started.filter((s) => s.method !== "getUpdates");
  assert.deepEqual(waits, at(paced));
  assert.deepEqual(waits.slice(0, 4), [0, 100, 200, 300]);
  assert.ok((waits[4] ?? 0) >= 1000);
});

Deno.test("throttle lets calls without a chat_id pass at once", async () => {
  const { clock, started, call } = setup({ perSecond: 1 });
  const paced = [1, 2].map((chat) =>
    call("sendMessage", { "chat_id": chat, text: "hi" })
  );
  await Promise.all([
    call("getUpdates", { offset: 1 }),
    call("answerCallbackQuery", { "callback_query_id": "q" }),
    call("getFile", { "file_id": "f" }),
  ]);
  await runUntil(clock, () => started.length === 5);
  await Promise.all(paced);
  assert.deepEqual(
    started.map((s) => `${s.method}@${s.at}`).sort(),
    [
      "answerCallbackQuery@0",
      "getFile@0",
      "getUpdates@0",
      "sendMessage@0",
      "sendMessage@1000",
    ],
  );
});

Deno.test("throttle keeps one chat's calls FIFO, one at a time, chatIntervalMs apart", async () => {
  const { clock, started, call } = setup({ chatIntervalMs: 1000 }, true);
  const calls = ["a", "b", "c"].map((text) =>
    call("sendMessage", { "chat_id": 1, text })
  );
  calls.push(call("sendMessage", { "chat_id": 2, text: "other" }));
  await runUntil(clock, () => started.length === 2);
  assert.deepEqual(started.map((s) => [s.chat, s.at]), [[1, 0], [2, 100]]);
  // A long upload: "b" waits for "a" to end, long after the interval.
  clock.advanceTo(5000);
  started[0]?.finish();
  await runUntil(clock, () => started.length === 3);
  started[2]?.finish();
  await runUntil(clock, () => started.length === 4);
  for (const s of started) s.finish();
  await Promise.all(calls);
  const chat1 = started.filter((s) => s.chat === 1);
  assert.deepEqual(chat1.map((s) => [s.text, s.at]), [
    ["a", 0],
    ["b", 5000],
    ["c", 6000],
  ]);
  assert.deepEqual(chat1.map((s) => s.alongside), [0, 0, 0]);
});

Deno.test("throttle measures a chat's interval from the real start, after the global wait", async () => {
  // Chat 1's first call waits 4 global turns behind four other chats; its
  // second must still start a full interval after the first really began.
  const { clock, started, call } = setup({
    perSecond: 10,
    chatIntervalMs: 300,
  });
  const calls = [2, 3, 4, 5].map((chat) =>
    call("sendMessage", { "chat_id": chat, text: "x" })
  );
  calls.push(call("sendMessage", { "chat_id": 1, text: "first" }));
  calls.push(call("sendMessage", { "chat_id": 1, text: "second" }));
  await runUntil(clock, () => started.length === 6);
  await Promise.all(calls);
  const chat1 = started.filter((s) => s.chat === 1).map((s) => [s.text, s.at]);
  assert.deepEqual(chat1, [["first", 400], ["second", 700]]);
});

Deno.test("throttle keeps a group under groupPerMinute", async () => {
  const { clock, started, call } = setup({
    perSecond: 30,
    chatIntervalMs: 1000,
    groupPerMinute: 20,
  });
  const calls = Array.from(
    { length: 21 },
    (_, i) => call("sendMessage", { "chat_id": -100, text: `${i}` }),
  );
  await runUntil(clock, () => started.length === 21, 10_000);
  await Promise.all(calls);
  const times = at(started);
  // 20 messages a minute at most, in any minute: evenly 3 s apart.
  assert.equal(times.filter((t) => t < 60_000).length, 20);
  assert.deepEqual(times.slice(0, 3), [0, 3000, 6000]);
});

Deno.test("throttle sends media ahead of calls still waiting in its chat", async () => {
  const { clock, started, call } = setup({ chatIntervalMs: 1000 });
  const calls = [
    call("editMessageText", { "chat_id": 1, text: "10%" }),
    call("editMessageText", { "chat_id": 1, text: "20%" }),
    call("editMessageText", { "chat_id": 1, text: "30%" }),
    call("sendVideo", { "chat_id": 1, video: "v" }),
    call("sendMessage", { "chat_id": 1, text: "after" }),
  ];
  await runUntil(clock, () => started.length === 5);
  await Promise.all(calls);
  assert.deepEqual(
    started.map((s) => s.method),
    [
      "editMessageText",
      "sendVideo",
      "editMessageText",
      "editMessageText",
      "sendMessage",
    ],
  );
  assert.deepEqual(at(started), [0, 1000, 2000, 3000, 4000]);
});

Deno.test("throttle lets sendChatAction go while a video to that chat is in flight", async () => {
  const { clock, started, call } = setup({ chatIntervalMs: 1000 }, true);
  const video = call("sendVideo", { "chat_id": 1, video: "v" });
  await runUntil(clock, () => started.length === 1);
  const action = call("sendChatAction", {
    "chat_id": 1,
    action: "upload_video",
  });
  await runUntil(clock, () => started.length === 2);
  assert.deepEqual(
    started.map((s) => `${s.method}@${s.at}+${s.alongside}`),
    ["sendVideo@0+0", "sendChatAction@100+1"],
  );
  for (const s of started) s.finish();
  await Promise.all([video, action]);
});

Deno.test("throttle drops an aborted call from its queue with the abort reason", async () => {
  const { clock, started, call } = setup({ chatIntervalMs: 1000 }, true);
  const first = call("sendMessage", { "chat_id": 1, text: "first" });
  const controller = new AbortController();
  const dropped = call(
    "sendMessage",
    { "chat_id": 1, text: "dropped" },
    controller.signal,
  );
  const last = call("sendMessage", { "chat_id": 1, text: "last" });
  await runUntil(clock, () => started.length === 1);
  const reason = new Error("user cancelled");
  controller.abort(reason);
  await assert.rejects(dropped, (error) => error === reason);
  started[0]?.finish();
  await runUntil(clock, () => started.length === 2);
  started[1]?.finish();
  await Promise.all([first, last]);
  assert.deepEqual(started.map((s) => s.at), [0, 1000]);
  assert.equal(started.length, 2, "the aborted call never started");
});

Deno.test("throttle keeps a chat's pace when idle lanes are dropped", async () => {
  const { clock, started, call } = setup({
    perSecond: 1000,
    chatIntervalMs: 1000,
  });
  await call("sendMessage", { "chat_id": 1, text: "first" });
  // Chat 1's call has ended, but its interval runs until 1000.
  clock.advanceTo(960);
  // A few turns for the lane to see that its hold (until 950) is over.
  for (let turn = 0; turn < QUIET_TURNS; turn++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  // Enough new chats to make the throttle drop idle lanes (calls aborted
  // at once: they create a lane, nothing more).
  const gone = AbortSignal.abort(new Error("gone"));
  const others = Array.from(
    { length: 300 },
    (_, i) =>
      call("sendMessage", { "chat_id": 100 + i, text: "x" }, gone)
        .catch(() => {}),
  );
  const video = call("sendVideo", { "chat_id": 1, video: "v" });
  await runUntil(clock, () => started.some((s) => s.method === "sendVideo"));
  await Promise.all([...others, video]);
  // Not before chat 1's interval is over (dropping its lane too early
  // let it start at 960).
  const at = started.find((s) => s.method === "sendVideo")?.at ?? 0;
  assert.equal(at, 1000);
});

Deno.test("throttle refuses limits that switch it off", () => {
  for (const bad of [{ perSecond: 0 }, { chatIntervalMs: -1 }]) {
    assert.throws(
      () =>
        throttleTransformer({
          perSecond: 30,
          chatIntervalMs: 1000,
          groupPerMinute: 20,
          ...bad,
        }),
      RangeError,
    );
  }
});

Deno.test("throttle lets a call to an idle chat go at once, without a timer", async () => {
  const { clock, started, call } = setup({ chatIntervalMs: 1000 });
  // No timer, no clock movement: a queue handover costing timer turns
  // (about 14 ms a message with Bottleneck) would leave it unstarted.
  const sent = call("sendVideo", { "chat_id": 1, video: "v" });
  // Microtasks only: a timer's callback could not run in this loop.
  for (let turn = 0; turn < 100 && started.length === 0; turn++) {
    await Promise.resolve();
  }
  assert.deepEqual(started.map((s) => `${s.method}@${s.at}`), ["sendVideo@0"]);
  await sent;
  assert.equal(clock.now(), 0);
});

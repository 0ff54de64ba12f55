/**
 * The chat action during an upload: shown only while the upload runs (never
 * for a quick one, never after the video), repeated before Telegram's 5 s
 * expire, and never holding the video back.
 */

import assert from "node:assert/strict";
import type { Api } from "grammy";
import type { Clock } from "../../lib/clock.ts";
import { whileUploading } from "../../lib/bot/job_view/delivery.ts";

// Virtual time: the clock moves only when the test says so.
class ManualClock implements Clock {
  #now = 0;
  #sleepers: { at: number; resolve: () => void }[] = [];
  now(): number {
    return this.#now;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const sleeper = { at: this.#now + ms, resolve };
      this.#sleepers.push(sleeper);
      signal?.addEventListener("abort", () => {
        this.#sleepers = this.#sleepers.filter((s) => s !== sleeper);
        reject(signal.reason);
      });
    });
  }
  async advance(ms: number): Promise<void> {
    const end = this.#now + ms;
    for (let round = 0; round < 1000; round++) {
      const next = this.#sleepers.filter((s) => s.at <= end)
        .sort((a, b) => a.at - b.at)[0];
      if (next === undefined) break;
      this.#sleepers = this.#sleepers.filter((s) => s !== next);
      this.#now = next.at;
      next.resolve();
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    this.#now = end;
  }
}

function recordingApi(clock: Clock, actions: number[]): Api {
  return {
    sendChatAction: (_chat: number, action: string) => {
      assert.equal(action, "upload_video");
      actions.push(clock.now());
      return Promise.resolve(true);
    },
  } as unknown as Api;
}

Deno.test("whileUploading() shows upload_video during a long upload and stops with it", async () => {
  const clock = new ManualClock();
  const actions: number[] = [];
  let finish!: (id: string) => void;
  const upload = new Promise<string>((resolve) => finish = resolve);
  const sent = whileUploading(recordingApi(clock, actions), 7, clock, upload);
  await clock.advance(10_000);
  finish("file-id");
  assert.equal(await sent, "file-id");
  await clock.advance(20_000);
  assert.deepEqual(actions, [400, 4900, 9400], "every 4.5 s, none after");
});

Deno.test("whileUploading() shows nothing for an upload done at once", async () => {
  const clock = new ManualClock();
  const actions: number[] = [];
  const sent = await whileUploading(
    recordingApi(clock, actions),
    7,
    clock,
    Promise.resolve("quick"),
  );
  await clock.advance(10_000);
  assert.equal(sent, "quick");
  assert.deepEqual(actions, []);
});

Deno.test("whileUploading() passes the upload's failure on, and a failing action is ignored", async () => {
  const clock = new ManualClock();
  const api = {
    sendChatAction: () => Promise.reject(new Error("403 blocked")),
  } as unknown as Api;
  let fail!: (e: Error) => void;
  const upload = new Promise<string>((_, reject) => fail = reject);
  const sent = whileUploading(api, 7, clock, upload);
  await clock.advance(5000);
  fail(new Error("413 too big"));
  await assert.rejects(sent, /413 too big/);
});

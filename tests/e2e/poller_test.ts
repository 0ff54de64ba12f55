/**
 * Long polling stores a batch before Telegram learns it arrived: a batch
 * that cannot be stored is not confirmed but asked for again.
 */

import assert from "node:assert/strict";
import { Api } from "grammy";
import type { Update } from "grammy/types";
import type { Clock } from "../../lib/clock.ts";
import { Poller } from "../../lib/intake/mod.ts";
import { silentLogger } from "../../lib/log.ts";
import { FakeTelegram } from "../fakes/telegram/mod.ts";

// Retries come at once; an aborted wait rejects as a real clock's does.
const clock: Clock = {
  now: () => Date.now(),
  sleep: (_ms, signal) =>
    signal?.aborted ? Promise.reject(signal.reason) : Promise.resolve(),
};

Deno.test("Poller asks again for a batch it could not store; each update is stored once", async () => {
  await using telegram = await FakeTelegram.start();
  const api = new Api(telegram.token, { apiRoot: telegram.apiRoot });
  const user = telegram.user(1601, { first_name: "Poll" });
  const stored: Update[] = [];
  let refusals = 1;
  const poller = new Poller({
    api,
    allowedUpdates: ["message"],
    clock,
    log: silentLogger,
    accept: (batch) => {
      if (refusals-- > 0) throw new Error("database is locked");
      stored.push(...batch);
    },
    room: () => Promise.resolve(),
  });
  const first = telegram.sendText(user, "one");
  const second = telegram.sendText(user, "two");
  const running = poller.run();
  await telegram.waitForConfirmed(second.update_id);
  assert.deepEqual(stored.map((u) => u.update_id), [
    first.update_id,
    second.update_id,
  ]);
  // The refused batch, the same batch again, and the poll that confirmed
  // it (without the refusal: two).
  assert.equal(telegram.pollCount, 3);
  const third = telegram.sendText(user, "three");
  await telegram.waitForConfirmed(third.update_id);
  await poller.stop();
  await running;
  assert.equal(poller.running, false);
  assert.deepEqual(telegram.pendingUpdates(), []);
  assert.deepEqual(stored.map((u) => u.update_id), [
    first.update_id,
    second.update_id,
    third.update_id,
  ]);
});

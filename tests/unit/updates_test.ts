import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import type { Update } from "grammy/types";
import type { Clock } from "../../lib/clock.ts";
import { sqliteReader } from "../../lib/db/reader.ts";
import { migrate } from "../../lib/db/mod.ts";
import { GIVE_UP_AFTER_MS, UpdateLog } from "../../lib/telegram/update_log.ts";

let now = Date.UTC(2026, 11, 3, 12, 0, 0);
const clock: Clock = { now: () => now, sleep: () => Promise.resolve() };

function text(id: number): Update {
  return {
    "update_id": id,
    message: {
      "message_id": id,
      date: 0,
      chat: { id: 5, type: "private", "first_name": "U" },
      from: { id: 5, "is_bot": false, "first_name": "U" },
      text: `t${id}`,
    },
  } as Update;
}

function log(): UpdateLog {
  const db = new DatabaseSync(":memory:");
  migrate(db);
  return new UpdateLog(sqliteReader(db), clock);
}

Deno.test("UpdateLog stores an update once and keeps it until it is done", async () => {
  const updates = log();
  assert.equal(await updates.store(text(2)), true);
  assert.equal(await updates.store(text(1)), true);
  assert.equal(
    await updates.store(text(2)),
    false,
    "a re-delivery is recognised",
  );
  assert.deepEqual(await updates.pending(10, new Set()), [text(1), text(2)]);
  assert.deepEqual(await updates.pending(10, new Set([1])), [text(2)]);
  assert.deepEqual(await updates.pending(1, new Set()), [text(1)]);
  // The bot's own check lets a stored update through until it is done.
  assert.equal(await updates.record(1, 5), "handle");
  assert.equal(await updates.record(1, 5), "handle");
  await updates.done(1);
  assert.equal(await updates.isPending(1), false);
  assert.equal(await updates.record(1, 5), "seen");
  assert.deepEqual(await updates.pending(10, new Set()), [text(2)]);
  // An update handed to the bot directly is recorded as done at once.
  assert.equal(await updates.record(7, 5), "handle");
  assert.equal(await updates.record(7, 5), "seen");
});

Deno.test("UpdateLog gives an update up on its fourth try a minute on", async () => {
  const updates = log();
  await updates.store(text(1));
  // Three starts that died while handling it.
  for (let start = 0; start < 3; start++) {
    assert.equal(await updates.record(1, 5), "handle");
  }
  // Quick kills from outside (the chaos test) do not lose it.
  now += GIVE_UP_AFTER_MS - 1_000;
  assert.equal(await updates.record(1, 5), "handle");
  now += 1_000;
  assert.equal(await updates.record(1, 5), "given_up");
  assert.equal(await updates.isPending(1), false);
  assert.equal(await updates.record(1, 5), "seen");
});

Deno.test("UpdateLog.prune() forgets old handled updates, never unhandled ones", async () => {
  const updates = log();
  await updates.store(text(1));
  await updates.store(text(2));
  await updates.done(1);
  now += 8 * 24 * 3_600_000;
  assert.equal(await updates.prune(), 1);
  assert.equal(await updates.isPending(2), true);
});

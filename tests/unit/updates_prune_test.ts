import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { sqliteReader } from "../../lib/db/reader.ts";
import { migrate } from "../../lib/db/mod.ts";
import { silentLogger } from "../../lib/log.ts";
import { UpdateLog } from "../../lib/telegram/update_log.ts";
import {
  PRUNE_INTERVAL_MS,
  startPruning,
} from "../../lib/telegram/update_prune.ts";
import { ManualClock } from "../fakes/manual_clock.ts";

const WEEK = 7 * 24 * 3_600_000;

Deno.test("startPruning() forgets week-old updates every hour while running", async () => {
  const db = new DatabaseSync(":memory:");
  migrate(db);
  const clock = new ManualClock();
  clock.advanceTo(Date.UTC(2026, 10, 1));
  const updates = new UpdateLog(sqliteReader(db), clock);
  const count = () =>
    Number(db.prepare("SELECT COUNT(*) AS n FROM updates").get()?.n);
  await updates.record(1, 10);
  const pruning = startPruning(async () => (await updates.prune()), {
    clock,
    log: silentLogger,
  });
  // A round is over when the pruner sleeps again (bounded microtask turns).
  const round = async (to: number) => {
    clock.advanceTo(to);
    for (let i = 0; i < 100 && clock.sleeping === 0; i++) {
      await Promise.resolve();
    }
    assert.equal(clock.sleeping, 1);
  };
  await round(clock.now() + PRUNE_INTERVAL_MS);
  assert.equal(count(), 1, "an hour-old update stays");
  await round(clock.now() + WEEK);
  assert.equal(count(), 0, "a week-old one goes without a restart");
  await updates.record(2, 10);
  await round(clock.now() + PRUNE_INTERVAL_MS);
  assert.equal(await updates.record(2, 10), "seen", "update 2 is still known");
  await pruning.stop();
  assert.equal(clock.sleeping, 0);
  db.close();
});

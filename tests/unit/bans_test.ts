import assert from "node:assert/strict";
import { MAX_REASON, SyncBanStore as BanStore } from "../../lib/bans/store.ts";
import { migrate, openDatabase } from "../../lib/db/mod.ts";
import { ManualClock } from "../fakes/manual_clock.ts";

Deno.test("BanStore: ban, re-ban, unban, each an audit row with who and when", () => {
  const db = openDatabase(":memory:");
  migrate(db);
  const clock = new ManualClock();
  clock.advanceTo(Date.UTC(2026, 11, 3, 14, 0, 0));
  const bans = new BanStore(db, clock);
  assert.equal(bans.ban(7, 1, "spam"), true);
  assert.deepEqual(bans.get(7), {
    userId: 7,
    bannedBy: 1,
    reason: "spam",
    bannedAt: "2026-12-03 14:00:00",
  });
  assert.equal(bans.ban(7, 2, "x".repeat(500)), false, "already banned");
  assert.equal(bans.get(7)?.reason?.length, MAX_REASON);
  assert.deepEqual(bans.bannedIds(), new Set([7]));
  assert.equal(bans.unban(7, 1), true);
  assert.equal(bans.unban(7, 1), false);
  assert.equal(bans.get(7), undefined);
  assert.deepEqual(
    bans.history(7).map((e) => [e.action, e.adminId]),
    [["unban", 1], ["ban", 2], ["ban", 1]],
  );
  db.close();
});

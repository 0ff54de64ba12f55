import assert from "node:assert/strict";
import {
  AlwaysLeader,
  createLeader,
  isPostgresUrl,
  PgLeader,
} from "../../lib/leader/mod.ts";

Deno.test("AlwaysLeader: active, onActive once, ends with the signal", async () => {
  const leader = new AlwaysLeader();
  const calls: string[] = [];
  const stop = new AbortController();
  const run = leader.run({
    onActive: () => {
      calls.push("active");
      stop.abort();
    },
    onStandby: (reason) => {
      calls.push(reason);
    },
  }, stop.signal);
  await run;
  assert.equal(leader.role(), "active");
  assert.deepEqual(calls, ["active"]);
});

Deno.test("createLeader(): PgLeader for postgres:// URLs, else AlwaysLeader", () => {
  assert.ok(createLeader("postgres://u@db/x") instanceof PgLeader);
  assert.ok(createLeader("postgresql://u@db/x") instanceof PgLeader);
  assert.ok(createLeader(undefined) instanceof AlwaysLeader);
  assert.ok(createLeader("/var/lib/lora-bot/bot.db") instanceof AlwaysLeader);
  assert.equal(isPostgresUrl("sqlite:///x"), false);
  // A fresh PgLeader is a standby until it holds the lock.
  assert.equal(createLeader("postgres://u@db/x").role(), "standby");
});

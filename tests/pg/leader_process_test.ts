/**
 * Two real processes contend for leadership on one database with the
 * production timings; SIGKILL of the active one (no cleanup, the kernel
 * closes its socket) or SIGSTOP (a hung instance, its socket open) → the
 * standby reports active within 15 s.
 */

import assert from "node:assert/strict";
import { takeover } from "./children.ts";
import { freshDatabase, skipPgTests } from "./mod.ts";

Deno.test({
  name: "leader processes: SIGKILL the active one, the standby takes over",
  ignore: skipPgTests(),
  fn: async () => {
    await using db = await freshDatabase();
    const tookMs = await takeover(db.url, "SIGKILL", (old, next) => {
      assert.ok(next.active);
      assert.ok(!old.events.some((e) => e.event === "stopped"));
    });
    assert.ok(tookMs < 15_000, `the takeover took ${tookMs} ms`);
  },
});

Deno.test({
  name: "leader processes: the active one hangs (SIGSTOP), the standby " +
    "takes over and the woken one steps down",
  ignore: skipPgTests(),
  fn: async () => {
    await using db = await freshDatabase();
    const tookMs = await takeover(db.url, "SIGSTOP", async (old, next) => {
      const down = await old.waitFor((e) => e.event === "standby");
      assert.equal(down.reason, "connection-closed");
      assert.ok(next.active);
    });
    assert.ok(tookMs < 15_000, `the takeover took ${tookMs} ms`);
  },
});

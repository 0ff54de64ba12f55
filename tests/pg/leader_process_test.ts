/**
 * Two real processes contend for leadership on one database with the
 * production timings; SIGKILL of the active one (no cleanup, the kernel
 * closes its socket) or SIGSTOP (a hung instance, its socket open) → the
 * standby reports active within 15 s.
 */

import assert from "node:assert/strict";
import { LeaderChild } from "./children.ts";
import { freshDatabase, skipPgTests, standbyTried } from "./mod.ts";

Deno.test({
  name: "leader processes: SIGKILL the active one, the standby takes over",
  ignore: skipPgTests(),
  fn: async () => {
    await using db = await freshDatabase();
    await using one = new LeaderChild(db.url);
    await one.waitFor((e) => e.event === "active");
    await using two = new LeaderChild(db.url);
    await standbyTried(db.url);
    assert.ok(one.active);
    assert.ok(!two.active);

    const killedAt = Date.now();
    one.kill();
    const took = await two.waitFor((e) => e.event === "active");
    const tookMs = took.at - killedAt;
    assert.ok(tookMs < 15_000, `the takeover took ${tookMs} ms`);
    assert.ok(!one.events.some((e) => e.event === "stopped"));
  },
});

Deno.test({
  name: "leader processes: the active one hangs (SIGSTOP), the standby " +
    "takes over and the woken one steps down",
  ignore: skipPgTests(),
  fn: async () => {
    await using db = await freshDatabase();
    await using one = new LeaderChild(db.url);
    await one.waitFor((e) => e.event === "active");
    await using two = new LeaderChild(db.url);
    await standbyTried(db.url);

    const frozenAt = Date.now();
    one.freeze(true);
    try {
      const took = await two.waitFor((e) => e.event === "active");
      const tookMs = took.at - frozenAt;
      assert.ok(tookMs < 15_000, `the takeover took ${tookMs} ms`);
    } finally {
      one.freeze(false);
    }
    const down = await one.waitFor((e) => e.event === "standby");
    assert.equal(down.reason, "connection-closed");
    assert.ok(two.active);
  },
});

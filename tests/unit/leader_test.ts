import assert from "node:assert/strict";
import { AlwaysLeader } from "../../lib/leader/mod.ts";

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

/**
 * PgLeader against the throwaway cluster: one active instance among two,
 * a takeover when the active session is killed, a prompt hand-over on a
 * clean shutdown, and a standby that keeps trying while PostgreSQL is
 * unreachable.
 */

import assert from "node:assert/strict";
import postgres from "postgres";
import {
  type LeaderHooks,
  PgLeader,
  type StepDownReason,
} from "../../lib/leader/mod.ts";
import { createLogger } from "../../lib/log.ts";
import { freshDatabase, skipPgTests, standbyTried } from "./mod.ts";

/** Records a leader's role changes and lets a test wait for one. */
class Recorder implements LeaderHooks {
  readonly changes: ("active" | StepDownReason)[] = [];
  #wake: (() => void)[] = [];

  onActive(): void {
    this.changes.push("active");
    this.#notify();
  }

  onStandby(reason: StepDownReason): void {
    this.changes.push(reason);
    this.#notify();
  }

  /** Waits until `count` changes were recorded; fails after 30 s. */
  async until(count: number): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (this.changes.length < count) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = Date.now() > deadline;
      assert.ok(!late, `still ${JSON.stringify(this.changes)} after 30 s`);
      await new Promise<void>((resolve) => {
        this.#wake.push(resolve);
        timer = setTimeout(resolve, deadline - Date.now() + 1);
      });
      clearTimeout(timer);
    }
  }

  #notify(): void {
    for (const wake of this.#wake.splice(0)) wake();
  }
}

/** Both leaders and their runs, stopped by `await using`. */
function startPair(url: string, timings: { retryMs: number; checkMs: number }) {
  const stop = new AbortController();
  const a = new PgLeader({ url, ...timings });
  const b = new PgLeader({ url, ...timings });
  const ra = new Recorder();
  const rb = new Recorder();
  const runs = [a.run(ra, stop.signal), b.run(rb, stop.signal)];
  return {
    a,
    b,
    ra,
    rb,
    stop,
    async [Symbol.asyncDispose]() {
      stop.abort();
      await Promise.all(runs);
    },
  };
}

const FAST = { retryMs: 100, checkMs: 100 };

Deno.test({
  name: "PgLeader: two instances on one database, exactly one is active",
  ignore: skipPgTests(),
  fn: async () => {
    await using db = await freshDatabase();
    await using pair = startPair(db.url, FAST);
    await Promise.race([pair.ra.until(1), pair.rb.until(1)]);
    // The other one tried again after the first became active, and lost.
    await standbyTried(db.url);
    const roles = [pair.a.role(), pair.b.role()].sort();
    assert.deepEqual(roles, ["active", "standby"]);
    assert.equal(pair.ra.changes.length + pair.rb.changes.length, 1);
  },
});

Deno.test({
  name: "PgLeader: killing the active session hands over within 15 s",
  ignore: skipPgTests(),
  fn: async () => {
    await using db = await freshDatabase();
    const sql = postgres(db.url, { max: 1, onnotice: () => {} });
    try {
      // The production timings: the bound under test is theirs.
      await using pair = startPair(db.url, { retryMs: 2_000, checkMs: 2_000 });
      await Promise.race([pair.ra.until(1), pair.rb.until(1)]);
      const [first, second] = pair.a.role() === "active"
        ? [pair.ra, pair.rb]
        : [pair.rb, pair.ra];
      const killedAt = performance.now();
      const killed = await sql`select pg_terminate_backend(pid) as done
        from pg_locks where locktype = 'advisory' and granted
          and database = (select oid from pg_database
            where datname = current_database())`;
      assert.equal(killed.length, 1);
      await first.until(2);
      assert.equal(first.changes[1], "connection-closed");
      await second.until(1);
      const tookMs = performance.now() - killedAt;
      assert.ok(tookMs < 15_000, `took ${tookMs} ms`);
      assert.deepEqual([pair.a.role(), pair.b.role()].sort(), [
        "active",
        "standby",
      ]);
      assert.deepEqual(second.changes, ["active"]);
    } finally {
      await sql.end();
    }
  },
});

Deno.test({
  name: "PgLeader: a shutdown unlocks, so the standby takes over at once",
  ignore: skipPgTests(),
  fn: async () => {
    await using db = await freshDatabase();
    const stopA = new AbortController();
    const stopB = new AbortController();
    const a = new PgLeader({ url: db.url, ...FAST });
    const b = new PgLeader({ url: db.url, ...FAST });
    const ra = new Recorder();
    const rb = new Recorder();
    const runA = a.run(ra, stopA.signal);
    await ra.until(1);
    const runB = b.run(rb, stopB.signal);
    try {
      assert.equal(b.role(), "standby");
      stopA.abort();
      await runA;
      assert.equal(a.role(), "standby");
      assert.deepEqual(ra.changes, ["active"]); // no onStandby on shutdown
      await rb.until(1);
      assert.equal(b.role(), "active");
    } finally {
      stopB.abort();
      await runB;
    }
  },
});

Deno.test({
  name: "PgLeader: PostgreSQL unreachable, the standby keeps trying, says once",
  // No cluster needed: the address refuses connections.
  fn: async () => {
    // A port that refuses: nothing listens there once the listener closed.
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = listener.addr.port;
    listener.close();
    const lines: string[] = [];
    const log = createLogger({ level: "info", sink: (l) => lines.push(l) });
    let slept = 0;
    const stop = new AbortController();
    const clock = {
      now: () => Date.now(),
      sleep: (ms: number, signal?: AbortSignal) => {
        // Query time-outs never fire (the refusal comes first)...
        if (ms === 5_000) {
          return new Promise<void>((_, reject) =>
            signal?.addEventListener("abort", () => reject(signal.reason))
          );
        }
        // ...and the pauses between five attempts take no time.
        if (++slept === 5) stop.abort();
        return signal?.aborted
          ? Promise.reject(signal.reason)
          : Promise.resolve();
      },
    };
    const leader = new PgLeader({
      url: `postgres://lora@127.0.0.1:${port}/none`,
      clock,
      log,
      timeoutMs: 5_000,
    });
    const hooks = new Recorder();
    await leader.run(hooks, stop.signal);
    assert.equal(leader.role(), "standby");
    assert.deepEqual(hooks.changes, []);
    assert.equal(lines.length, 1, lines.join("\n"));
    assert.match(lines[0] ?? "", /cannot reach PostgreSQL.*ECONNREFUSED/);
    assert.doesNotMatch(lines[0] ?? "", new RegExp(String(port) + "/none"));
  },
});

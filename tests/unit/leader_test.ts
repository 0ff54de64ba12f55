import assert from "node:assert/strict";
import {
  createLeader,
  FileLeader,
  isPostgresUrl,
  type LeaderHooks,
  LOCK_FILE,
  PgLeader,
} from "../../lib/leader/mod.ts";
import type { Clock } from "../../lib/clock.ts";

Deno.test("createLeader(): PgLeader for postgres:// URLs, else FileLeader on DATA_DIR's lock file", () => {
  const dir = { dataDir: "/d" };
  assert.ok(createLeader("postgres://u@db/x", dir) instanceof PgLeader);
  assert.ok(createLeader("postgresql://u@db/x", dir) instanceof PgLeader);
  assert.ok(createLeader(undefined, dir) instanceof FileLeader);
  assert.ok(
    createLeader("/var/lib/lora-bot/bot.db", dir) instanceof FileLeader,
  );
  assert.equal(isPostgresUrl("sqlite:///x"), false);
  // A fresh leader is a standby until it holds the lock.
  assert.equal(createLeader("postgres://u@db/x", dir).role(), "standby");
  assert.equal(createLeader(undefined, dir).role(), "standby");
});

// A clock whose sleeps wait for the test to step them (no real waiting).
function steppedClock(): Clock & { step(): void; sleeping: () => number } {
  let wakers: (() => void)[] = [];
  return {
    now: () => Date.now(),
    sleep: (_ms, signal) =>
      new Promise<void>((resolve, reject) => {
        signal?.addEventListener("abort", () => reject(signal.reason));
        wakers.push(resolve);
      }),
    step() {
      const now = wakers;
      wakers = [];
      for (const wake of now) wake();
    },
    sleeping: () => wakers.length,
  };
}

// Hook calls as "<name> <event>" lines; seen(n) resolves at n lines.
function recorder() {
  const events: string[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const push = (line: string) => {
    events.push(line);
    for (const w of waiters.filter((w) => events.length >= w.n)) w.resolve();
  };
  return {
    events,
    seen(n: number): Promise<void> {
      if (events.length >= n) return Promise.resolve();
      const waiter = Promise.withResolvers<void>();
      waiters.push({ n, resolve: waiter.resolve });
      return waiter.promise;
    },
    hooks: (name: string): LeaderHooks => ({
      onActive: () => push(`${name} active`),
      onStandby: (reason) => push(`${name} ${reason}`),
      onWaiting: () => push(`${name} waiting`),
    }),
  };
}

Deno.test("FileLeader: one of two on a DATA_DIR is active; the other takes over once it ends", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lora-leader-" });
  const clock = steppedClock();
  const path = `${dir}/${LOCK_FILE}`;
  const a = new FileLeader({ path, clock });
  const b = new FileLeader({ path, clock });
  const { events, seen, hooks } = recorder();
  const stopA = new AbortController();
  const stopB = new AbortController();
  try {
    const runA = a.run(hooks("a"), stopA.signal);
    await seen(1);
    const runB = b.run(hooks("b"), stopB.signal);
    await seen(2);
    assert.deepEqual(events, ["a active", "b waiting"]);
    assert.equal(a.role(), "active");
    assert.equal(b.role(), "standby");
    clock.step();
    await seen(3);
    assert.equal(events[2], "b waiting", "still held");
    stopA.abort();
    await runA;
    assert.equal(a.role(), "standby");
    clock.step();
    await seen(4);
    assert.equal(events[3], "b active");
    assert.equal(b.role(), "active");
    stopB.abort();
    await runB;
  } finally {
    stopA.abort();
    stopB.abort();
    await Deno.remove(dir, { recursive: true });
  }
});

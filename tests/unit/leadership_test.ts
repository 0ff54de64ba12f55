/**
 * lib/app/leadership.ts: when the app's duty starts and stops under a
 * leader, and how the end of the run is reported. The leader here is
 * scripted by the test; tests/pg/app_leader_test.ts runs the real one.
 */

import assert from "node:assert/strict";
import {
  type ActiveWork,
  lead,
  LeadershipLostError,
} from "../../lib/app/leadership.ts";
import type { Leader, LeaderHooks, Role } from "../../lib/leader/mod.ts";
import { silentLogger } from "../../lib/log.ts";

// A leader the test drives: it hands over the hooks and the signal.
class ScriptedLeader implements Leader {
  current: Role = "standby";
  hooks!: LeaderHooks;
  signal!: AbortSignal;
  readonly #run = Promise.withResolvers<void>();
  readonly started = Promise.withResolvers<void>();

  role(): Role {
    return this.current;
  }

  run(hooks: LeaderHooks, signal: AbortSignal): Promise<void> {
    this.hooks = hooks;
    this.signal = signal;
    signal.addEventListener("abort", () => this.#run.resolve());
    this.started.resolve();
    return this.#run.promise;
  }

  async activate(): Promise<void> {
    this.current = "active";
    try {
      await this.hooks.onActive();
    } catch (error) {
      this.current = "standby";
      this.#run.reject(error);
    }
  }

  async lose(): Promise<void> {
    this.current = "standby";
    await this.hooks.onStandby("connection-closed");
  }
}

// A duty that records its calls; its polling ends when stop() is called.
function recordingWork(options: { failStart?: Error } = {}) {
  const events: string[] = [];
  const polling = Promise.withResolvers<void>();
  const work: ActiveWork = {
    start() {
      events.push("start");
      if (options.failStart) return Promise.reject(options.failStart);
      return Promise.resolve({ polling: polling.promise });
    },
    stop(graceMs) {
      events.push(`stop ${graceMs}`);
      polling.resolve();
      return Promise.resolve();
    },
  };
  return { events, work };
}

const options = { log: silentLogger, graceMs: 30_000 };

Deno.test("a standby is ready without starting the duty; stop() never starts it", async () => {
  const leader = new ScriptedLeader();
  const { events, work } = recordingWork();
  const leadership = lead(leader, work, options);
  leader.hooks.onWaiting?.();
  await leadership.ready;
  assert.equal(leadership.role(), "standby");
  await leadership.stop();
  // The lock came free during the stop: too late to start anything.
  await leader.activate();
  assert.deepEqual(events, ["stop 30000"]);
  assert.ok(leader.signal.aborted, "the leader's run was ended");
  await leadership.ended;
});

Deno.test("a takeover starts the duty; stop() gives it the grace period, then unlocks", async () => {
  const leader = new ScriptedLeader();
  const { events, work } = recordingWork();
  const leadership = lead(leader, work, options);
  leader.hooks.onWaiting?.();
  await leadership.ready;
  await leader.activate();
  await leadership.active;
  assert.equal(leadership.role(), "active");
  let unlockedAfterStop = false;
  leader.signal.addEventListener("abort", () => {
    unlockedAfterStop = events.includes("stop 30000");
  });
  await leadership.stop();
  assert.deepEqual(events, ["start", "stop 30000"]);
  assert.ok(unlockedAfterStop, "the lock is kept until the jobs stopped");
  await leadership.ended;
});

Deno.test("a lost leadership stops the duty at once and ends with LeadershipLostError", async () => {
  const leader = new ScriptedLeader();
  const { events, work } = recordingWork();
  const leadership = lead(leader, work, options);
  await leader.activate();
  await leadership.ready;
  await leader.lose();
  // The duty's polling ended cleanly as it stopped; the run did not.
  await assert.rejects(leadership.ended, LeadershipLostError);
  assert.deepEqual(events, ["start", "stop 0"]);
  assert.ok(leader.signal.aborted, "no second term in this process");
  await leadership.stop();
});

Deno.test("a first start that fails rejects ready once the duty stopped", async () => {
  const leader = new ScriptedLeader();
  const failure = new Error("setWebhook refused");
  const { events, work } = recordingWork({ failStart: failure });
  const leadership = lead(leader, work, options);
  await leader.activate();
  await assert.rejects(leadership.ready, failure);
  assert.deepEqual(events, ["start", "stop 0"]);
  await assert.rejects(leadership.ended, failure);
});

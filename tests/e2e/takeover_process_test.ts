/**
 * Issue #18's process tests: two real bot processes on one database
 * (PostgreSQL: each its own DATA_DIR, as on two machines; SQLite: one
 * DATA_DIR, whose lock file decides), the fake Telegram and a fake
 * ComfyUI whose renders last long enough to stop an instance mid-render.
 * SIGKILL of the active instance: the standby takes over within 15 s and
 * resumes the job, delivered once and charged once. A rolling upgrade:
 * the new version starts as a standby, the old one stops (SIGTERM, as
 * systemd does), the new one takes over the running job and serves the
 * next photo. `lora-bot verify` passes after both.
 */

import assert from "node:assert/strict";
import { one } from "../../lib/db/reader.ts";
import type { FakeUser } from "../fakes/telegram/mod.ts";
import { SAMPLE_JPEG } from "../fixtures/media.ts";
import { type BotChild, type Fleet, startFleet, until } from "../pg/bots.ts";
import { skipPgTests } from "../pg/mod.ts";

const TOKENS = 100;
const PER_VIDEO = 10;
/** The bound the issue sets on a takeover. */
const TAKEOVER_MS = 15_000;

/** The databases the tests run on. */
const DATABASES = [
  { name: "PostgreSQL", postgres: true, ignore: skipPgTests() },
  { name: "SQLite", postgres: false, ignore: false },
] as const;

function twoInstances(postgres: boolean): Promise<Fleet> {
  return startFleet({
    instances: 2,
    postgres,
    // Long enough to stop the active instance while ComfyUI renders.
    comfy: { renderMs: 3000 },
    env: () => ({
      PROGRESS_INTERVAL: "0.05",
      COMFYUI_HISTORY_INTERVAL: "0.05",
      SHUTDOWN_GRACE: "10",
      HTTP_PORT: "0",
      DEFAULT_TOKENS: String(TOKENS),
      TOKENS_PER_VIDEO: String(PER_VIDEO),
    }),
  });
}

// A active, then B started and turned away by the lock at least once:
// both say so on /healthz and /metrics, and neither has exited (had both
// polled Telegram, the fake would have ended one poll with 409).
async function activeAndStandby(fleet: Fleet): Promise<[BotChild, BotChild]> {
  const a = fleet.spawn(0, "A");
  await a.waitForActive();
  const b = fleet.spawn(1, "B");
  await turnedAway(b);
  await healthy(a, "active");
  await healthy(b, "standby");
  assert.equal(await a.leaderMetric(), "1");
  assert.equal(await b.leaderMetric(), "0");
  assert.equal(b.role, undefined, b.output);
  return [a, b];
}

// Waits until `bot` found another instance active (its first try for the
// leadership failed; it tries again every 2 s).
async function turnedAway(bot: BotChild): Promise<void> {
  await bot.waitForLine(/standby: another instance is active/);
}

// Waits until /healthz answers 200 with `role` (an instance that just
// became active answers 503 until it polls, having resumed the jobs).
async function healthy(bot: BotChild, role: "active" | "standby") {
  let last: { status: number; role: unknown } | undefined;
  await until(`${bot.name}'s /healthz saying ${role}`, async () => {
    last = await bot.healthRole();
    return last.status === 200 && last.role === role;
  }).catch((error: Error) => {
    throw new Error(`${error.message}: ${JSON.stringify(last)}`);
  });
}

// A figure on stdout.
function print(line: string): void {
  Deno.stdout.writeSync(new TextEncoder().encode(line + "\n"));
}

// Waits until `b` reports active after `since` (Date.now() when the
// active one was stopped); prints and returns the time it took.
async function takenOver(b: BotChild, since: number, how: string) {
  const tookMs = (await b.waitForActive(TAKEOVER_MS * 2)).at - since;
  print(`takeover after ${how}: ${tookMs} ms`);
  assert.ok(tookMs < TAKEOVER_MS, `the takeover took ${tookMs} ms`);
  await healthy(b, "active");
  assert.equal(await b.leaderMetric(), "1");
  return tookMs;
}

// The user's one job ended done, captured once, the account charged once.
async function chargedOnce(fleet: Fleet, user: FakeUser): Promise<void> {
  await using db = fleet.reader();
  const jobs = await db.all(
    "SELECT id, state FROM jobs WHERE user_id = ?",
    [user.id],
  );
  assert.deepEqual(jobs.map((j) => j.state), ["done"]);
  const captures = await one(
    db,
    "SELECT COUNT(*) AS n FROM journal WHERE kind = 'capture' AND job_id = ?",
    [String(jobs[0]?.id)],
  );
  assert.equal(Number(captures.n), 1, "captured once");
  const account = await one(
    db,
    "SELECT tokens, held, spent FROM balances WHERE user_id = ?",
    [user.id],
  );
  assert.deepEqual(
    { ...account },
    { tokens: TOKENS - PER_VIDEO, held: 0, spent: PER_VIDEO },
  );
  assert.equal(
    fleet.telegram.callsOf("sendVideo")
      .filter((c) => Number(c.params.chat_id) === user.id).length,
    1,
    "the video was delivered once",
  );
}

// Waits until the user's job is done (delivered, charged) in the database.
async function delivered(fleet: Fleet, user: FakeUser): Promise<void> {
  await fleet.telegram.waitForCall("sendVideo", {
    where: (c) => Number(c.params.chat_id) === user.id,
    timeoutMs: 60_000,
  });
  await using db = fleet.reader();
  // The job ends a moment after the send, in another process.
  await until(
    "the job done",
    async () =>
      (await one(db, "SELECT state FROM jobs WHERE user_id = ?", [user.id]))
        .state === "done",
  );
}

for (const database of DATABASES) {
  Deno.test({
    name: `two bot processes on ${database.name}: SIGKILL the active one ` +
      "mid-render, the standby takes over within 15 s, the video is " +
      "delivered once and charged once",
    ignore: database.ignore,
    fn: async () => {
      await using fleet = await twoInstances(database.postgres);
      const [a, b] = await activeAndStandby(fleet);
      await using _a = a;
      await using _b = b;
      const user = fleet.telegram.user(81, { first_name: "Anna" });
      fleet.telegram.sendPhoto(user, SAMPLE_JPEG);
      await fleet.comfy.waitForRequest({ timeoutMs: 30_000 });
      assert.ok(!a.exited && !b.exited, a.output + b.output);
      const killedAt = Date.now();
      await a.stop("SIGKILL");
      await takenOver(b, killedAt, `SIGKILL (${database.name})`);
      // The job A was rendering: B picks it up as a restart would.
      await b.waitForLine(/resuming unfinished jobs count=1/);
      await delivered(fleet, user);
      assert.equal((await b.stop("SIGTERM")).code, 0, b.output);
      await chargedOnce(fleet, user);
      const verify = await fleet.verify();
      assert.equal(verify.code, 0, verify.text);
    },
  });

  Deno.test({
    name: `rolling upgrade on ${database.name}: the new instance starts as ` +
      "a standby, the old one stops (SIGTERM) mid-render, the new one " +
      "delivers that job once and serves the next photo",
    ignore: database.ignore,
    fn: async () => {
      await using fleet = await twoInstances(database.postgres);
      const old = fleet.spawn(0, "old");
      await using _old = old;
      await old.waitForActive();
      const first = fleet.telegram.user(82, { first_name: "Boris" });
      fleet.telegram.sendPhoto(first, SAMPLE_JPEG);
      await fleet.comfy.waitForRequest({ timeoutMs: 30_000 });
      // The new version, started beside the old one: a standby.
      const next = fleet.spawn(1, "new");
      await using _next = next;
      await turnedAway(next);
      await healthy(next, "standby");
      const stoppedAt = Date.now();
      const status = await old.stop("SIGTERM");
      const stopMs = Date.now() - stoppedAt;
      assert.equal(status.code, 0, old.output);
      // It finishes or hands the job over within SHUTDOWN_GRACE (10 s).
      assert.ok(stopMs < 10_000, `the old instance took ${stopMs} ms to stop`);
      print(`old instance stopped (${database.name}): ${stopMs} ms`);
      await takenOver(next, stoppedAt, `SIGTERM (${database.name})`);
      await delivered(fleet, first);
      const second = fleet.telegram.user(83, { first_name: "Vera" });
      fleet.telegram.sendPhoto(second, SAMPLE_JPEG);
      await delivered(fleet, second);
      assert.equal((await next.stop("SIGTERM")).code, 0, next.output);
      await chargedOnce(fleet, first);
      await chargedOnce(fleet, second);
      const verify = await fleet.verify();
      assert.equal(verify.code, 0, verify.text);
    },
  });
}

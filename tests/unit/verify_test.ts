import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import type { Clock } from "../../lib/clock.ts";
import { migrate } from "../../lib/db/mod.ts";
import { SyncJobStore as JobStore } from "../../lib/jobs/store.ts";
import { SyncLedger as Ledger } from "../../lib/ledger/mod.ts";
import { sqliteReader } from "../../lib/db/reader.ts";
import { verifyLedger, type VerifyRule } from "../../lib/ledger/verify.ts";

const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);
const clock: Clock = { now: () => NOW, sleep: () => Promise.resolve() };
const options = { now: NOW, holdTimeoutMs: 3_600_000 };

// Three users: one with a delivered video, one with a failed job, one with
// a job still rendering.
function busyLedger(): DatabaseSync {
  const db = new DatabaseSync(":memory:");
  migrate(db);
  const ledger = new Ledger(db, { clock, defaultTokens: 100 });
  const jobs = new JobStore(db, ledger, clock);
  const job = (n: number, user: number) =>
    jobs.create({
      id: `telegram_${user}_${n}`,
      userId: user,
      chatId: user,
      mode: "quick",
      duration: 10,
      quality: "medium",
      cost: 10,
      fileId: "f",
      locale: "ru",
    });
  for (const user of [1, 2, 3]) ledger.ensureUser({ id: user });
  jobs.complete(job(1, 1).id, { renderSeconds: 5 });
  jobs.fail(job(2, 2).id, "ComfyUI down");
  job(3, 3);
  ledger.adjust(2, 7, { idemKey: "admin:1" });
  return db;
}

async function brokenRule(db: DatabaseSync): Promise<VerifyRule | undefined> {
  return (await verifyLedger(sqliteReader(db), options)).broken?.rule;
}

Deno.test("verifyLedger() passes a consistent ledger and sums it up", async () => {
  const report = await verifyLedger(sqliteReader(busyLedger()), options);
  assert.equal(report.ok, true, JSON.stringify(report.broken));
  assert.equal(report.passed.length, 10);
  assert.ok(report.passed.includes("conservation"));
  assert.deepEqual(
    { ...report.figures, jobsByState: { ...report.figures.jobsByState } },
    {
      users: 3,
      available: 90 + 107 + 90,
      held: 10,
      spent: 10,
      granted: 307,
      bought: 0,
      refunded: 0,
      journalRows: 9,
      jobsByState: { done: 1, failed: 1, queued: 1 },
      sentUncaptured: 0,
    },
  );
});

Deno.test("verifyLedger() names a balance that the journal does not explain", async () => {
  const db = busyLedger();
  db.exec("UPDATE balances SET tokens = tokens + 5 WHERE user_id = 1");
  assert.equal(await brokenRule(db), "replay");
  const report = await verifyLedger(sqliteReader(db), options);
  assert.match(report.broken?.detail ?? "", /user 1: balance 95\/0\/10/);
});

Deno.test("verifyLedger() catches a journal row of the wrong shape", async () => {
  const db = busyLedger();
  db.exec(
    "UPDATE journal SET held_delta = 0 WHERE kind = 'hold' AND user_id = 3",
  );
  assert.equal(await brokenRule(db), "movement_shape");
});

Deno.test("verifyLedger() catches a capture that spends unheld tokens", async () => {
  const db = busyLedger();
  // Spent grows by 5 with nothing taken from available or held.
  db.exec(`UPDATE journal SET held_delta = -15 WHERE kind = 'capture'`);
  db.exec(`UPDATE balances SET spent = 15 WHERE user_id = 1`);
  assert.equal(await brokenRule(db), "replay");
});

Deno.test("verifyLedger() catches a done job that was never captured", async () => {
  const db = busyLedger();
  db.exec("UPDATE jobs SET state = 'done' WHERE id = 'telegram_2_2'");
  assert.equal(await brokenRule(db), "job_money");
});

Deno.test("verifyLedger() catches held tokens no unfinished job accounts for", async () => {
  const db = busyLedger();
  db.exec("UPDATE jobs SET cost = 10 WHERE id = 'telegram_3_3'");
  db.exec("DELETE FROM job_events WHERE job_id = 'telegram_3_3'");
  db.exec("DELETE FROM jobs WHERE id = 'telegram_3_3'");
  assert.equal(await brokenRule(db), "held_matches_jobs");
});

Deno.test("verifyLedger() reports SQLite's integrity first", async () => {
  const report = await verifyLedger(sqliteReader(busyLedger()), options);
  assert.equal(report.passed[0], "integrity");
});

Deno.test("verifyLedger() accepts a sent job waiting for its capture and catches a refunded one", async () => {
  const db = busyLedger();
  const jobs = new JobStore(
    db,
    new Ledger(db, { clock, defaultTokens: 100 }),
    clock,
  );
  jobs.advance("telegram_3_3", "delivering");
  jobs.markSent("telegram_3_3", { messageId: 42, videoFileId: "v" });
  const waiting = await verifyLedger(sqliteReader(db), options);
  assert.equal(waiting.ok, true, JSON.stringify(waiting.broken));
  assert.equal(waiting.figures.sentUncaptured, 1);
  // fail() leaves a sent job alone; the old bug (hold → release after the
  // video was sent) is caught.
  assert.equal(jobs.fail("telegram_3_3", "late error").state, "delivering");
  db.exec(`UPDATE jobs SET video_message_id = NULL`);
  jobs.fail("telegram_3_3", "capture failed");
  db.exec(`UPDATE jobs SET video_message_id = 42 WHERE id = 'telegram_3_3'`);
  assert.equal(await brokenRule(db), "sent_never_refunded");
});

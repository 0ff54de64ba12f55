/**
 * After Telegram accepted the video the hold is never released (#14): a
 * capture that fails (an injected failure, or a real lock held by another
 * connection past busy_timeout) is retried, and one that still fails is
 * completed by the next start without sending the video again.
 */

import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { verifyLedger } from "../../lib/ledger/verify.ts";
import { SAMPLE_JPEG } from "../fixtures/media.ts";
import { type Harness, journalKinds, startHarness } from "./harness.ts";
import { storeUnderTest } from "../stores.ts";

async function verified(h: Harness) {
  const report = await verifyLedger(h.sql, {
    now: Date.now(),
    holdTimeoutMs: 3_600_000,
  });
  assert.ok(report.ok, JSON.stringify(report.broken));
  return report;
}

// Replaces a JobStore method of the running app; `fail(n)` decides per
// call whether it throws before the real write.
function inject(
  h: Harness,
  method: "complete" | "markSent",
  fail: (call: number) => boolean,
): void {
  const jobs = h.app.jobs as unknown as Record<string, unknown>;
  const real = (jobs[method] as (...args: unknown[]) => unknown).bind(jobs);
  let calls = 0;
  jobs[method] = (...args: unknown[]) => {
    if (fail(++calls)) throw new Error("database is locked");
    return real(...args);
  };
}

const chargedNote = (h: Harness) =>
  h.telegram.callsOf("editMessageText").filter((c) =>
    /Списано/.test(String(c.params.text))
  ).length;

Deno.test("a capture that fails after the video was sent is retried: charged once, one video", async () => {
  await using h = await startHarness();
  const user = h.telegram.user(1501, { first_name: "Cap" });
  inject(h, "complete", (call) => call <= 2);
  h.telegram.sendPhoto(user, SAMPLE_JPEG);
  await h.telegram.waitForCall("sendVideo");
  await h.app.runner.idle();
  assert.equal(h.telegram.callsOf("sendVideo").length, 1);
  assert.deepEqual(await journalKinds(h.app, user.id), [
    "grant",
    "hold",
    "capture",
  ]);
  assert.equal((await h.app.ledger.account(user.id))?.tokens, 90);
  assert.equal(chargedNote(h), 1, "the user is told what was charged");
  assert.equal(
    h.logs.filter((l) => l.includes("cannot capture a sent video")).length,
    2,
  );
  await verified(h);
});

Deno.test("a capture that cannot be written is completed by the next start, without a second video", async (t) => {
  await using h = await startHarness();
  const user = h.telegram.user(1502, { first_name: "Later" });
  inject(h, "complete", () => true);
  h.telegram.sendPhoto(user, SAMPLE_JPEG);
  await h.telegram.waitForCall("sendVideo");
  await h.app.runner.idle();

  await t.step(
    "the job waits, sent and held, and verify knows it",
    async () => {
      const [job] = await h.app.jobs.unfinished();
      assert.equal(job?.state, "delivering");
      assert.ok(job?.videoMessageId !== undefined, "the sent video recorded");
      assert.deepEqual(await journalKinds(h.app, user.id), ["grant", "hold"]);
      assert.equal((await verified(h)).figures.sentUncaptured, 1);
      assert.ok(
        h.logs.some((l) => l.includes("capture is left for the next start")),
      );
      assert.ok(
        !h.telegram.callsOf("editMessageText").some((c) =>
          /ничего не списано|не удалось/i.test(String(c.params.text))
        ),
        "the user is not told the video failed",
      );
    },
  );

  await t.step(
    "the next start captures it and sends nothing again",
    async () => {
      await h.restart();
      await h.app.runner.idle();
      assert.equal(h.telegram.callsOf("sendVideo").length, 1);
      assert.deepEqual(await journalKinds(h.app, user.id), [
        "grant",
        "hold",
        "capture",
      ]);
      assert.equal((await h.app.ledger.account(user.id))?.tokens, 90);
      assert.equal((await h.app.jobs.unfinished()).length, 0);
      assert.equal(chargedNote(h), 1);
      assert.equal((await verified(h)).figures.sentUncaptured, 0);
    },
  );
});

Deno.test({
  name:
    "a real lock held by another connection past busy_timeout does not refund a sent video",
  // SQLite's file lock; PostgreSQL waits on row locks instead.
  ignore: storeUnderTest() === "postgres",
}, async () => {
  await using h = await startHarness();
  const user = h.telegram.user(1503, { first_name: "Locked" });
  // Right after sendVideo succeeded, another writer holds the database
  // through the first write's busy_timeout (5 s), then lets go.
  const jobs = h.app.jobs;
  const markSent = jobs.markSent.bind(jobs);
  let calls = 0;
  jobs.markSent = (...args) => {
    if (++calls > 1) return markSent(...args);
    const other = new DatabaseSync(`${h.dataDir}/balances.db`);
    other.exec("BEGIN IMMEDIATE");
    try {
      return markSent(...args);
    } finally {
      other.exec("ROLLBACK");
      other.close();
    }
  };
  h.telegram.sendPhoto(user, SAMPLE_JPEG);
  await h.telegram.waitForCall("sendVideo");
  await h.app.runner.idle();
  const failures = h.logs.filter((l) =>
    l.includes("cannot capture a sent video")
  );
  assert.equal(failures.length, 1);
  assert.match(failures[0] ?? "", /database is locked/);
  assert.equal(h.telegram.callsOf("sendVideo").length, 1);
  assert.deepEqual(await journalKinds(h.app, user.id), [
    "grant",
    "hold",
    "capture",
  ]);
  assert.equal((await h.app.ledger.account(user.id))?.tokens, 90);
  await verified(h);
});

import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { chartData, quantile } from "../../lib/dashboard/charts.ts";
import { html } from "../../lib/dashboard/html.ts";
import { Records } from "../../lib/dashboard/records.ts";
import { sqliteReader } from "../../lib/db/reader.ts";
import { migrate } from "../../lib/db/mod.ts";
import { seedDashboard } from "../browser/seed.ts";

const NOW = Date.parse("2026-11-26T12:00:00Z");

async function seeded(): Promise<DatabaseSync> {
  const db = new DatabaseSync(":memory:");
  migrate(db);
  await seedDashboard(sqliteReader(db), NOW);
  return db;
}

Deno.test("quantile takes the nearest rank", () => {
  assert.equal(quantile([], 0.5), 0);
  assert.equal(quantile([1, 2, 3, 4], 0.5), 2);
  assert.equal(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9), 9);
  assert.equal(quantile([7], 0.9), 7);
});

Deno.test("chartData counts a month of jobs and tokens", async () => {
  const db = await seeded();
  const data = await chartData(sqliteReader(db), NOW);
  assert.equal(data.days.length, 30);
  assert.equal(data.days.at(-1), "2026-11-26");
  assert.deepEqual(data.videos.map((s) => s.label), [
    "10s medium",
    "15s high",
    "5s low",
  ]);
  const delivered = data.videos.flatMap((s) => s.values)
    .reduce((a, b) => a + b, 0);
  const done = db.prepare(
    "SELECT COUNT(*) AS n FROM jobs WHERE state = 'done' AND finished_at >= ?",
  ).get(`${data.days[0]} 00:00:00`)?.n;
  assert.equal(delivered, Number(done));
  for (const r of data.renderTimes) assert.ok(r.p90 >= r.median, r.settings);
  assert.equal(data.hours.length, 25);
  assert.ok((data.inProgress.at(-1) ?? 0) >= 2, "queued and submitted now");
  assert.ok(data.failures.length > 0);
  assert.deepEqual(data.tokens.map((s) => s.label), [
    "granted",
    "bought",
    "spent",
  ]);
  assert.ok(data.tokens.every((s) => s.values.some((v) => v > 0)));
});

Deno.test("Records finds users by id, @username or name, escaping LIKE", async () => {
  const records = new Records(sqliteReader(await seeded()));
  assert.deepEqual((await records.searchUsers("5003")).map((u) => u.userId), [
    5003,
  ]);
  assert.deepEqual((await records.searchUsers("@BORIS")).map((u) => u.userId), [
    5002,
  ]);
  assert.deepEqual((await records.searchUsers("ann")).map((u) => u.userId), [
    5001,
  ]);
  assert.deepEqual(await records.searchUsers("%"), []);
  assert.equal((await records.searchUsers("")).length, 6);
  const failed = await records.jobs({ state: "failed" });
  assert.ok(failed.length > 0 && failed.every((j) => j.state === "failed"));
  const day = await records.jobs({ from: "2026-11-26", to: "2026-11-26" });
  assert.ok(day.every((j) => j.createdAt.startsWith("2026-11-26")));
  assert.equal((await records.jobs({ state: "nonsense" })).length, 100);
});

Deno.test("html escapes every value but trusted markup", () => {
  const name = `<script>alert("x")</script>`;
  assert.equal(
    html`<p title="${name}">${name}${html`<b>ok</b>`}</p>`.value,
    `<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;">` +
      `&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<b>ok</b></p>`,
  );
});

/**
 * `/metrics` against the rules of the Prometheus text format and its
 * naming conventions (tests/unit/prometheus_rules.ts), with hostile label
 * values and every family filled.
 */

import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { migrate } from "../../lib/db/mod.ts";
import { metricsFigures, renderMetrics } from "../../lib/http/metrics.ts";
import { sqliteReader } from "../../lib/db/reader.ts";
import { Metrics } from "../../lib/http/counters.ts";
import { exposition } from "./prometheus_rules.ts";

Deno.test("the rules checker catches what breaks the format", () => {
  const bad = (text: string, problem: RegExp) => {
    const { problems } = exposition(text);
    assert.ok(problems.some((p) => problem.test(p)), problems.join("; "));
  };
  bad("x 1\n# TYPE x gauge\n", /TYPE after samples/);
  bad("x_total 1\n", /no TYPE/);
  bad("# TYPE x_total gauge\nx_total 1\n", /_total on the gauge/);
  bad("# TYPE x counter\nx 1\n", /must end in _total/);
  bad('# TYPE x gauge\nx{a="q"q"} 1\n', /expected , or \}/);
  bad('# TYPE x gauge\nx{a="\\t"} 1\n', /bad escape/);
  bad("# TYPE x gauge\nx 1\nx 2\n", /series twice/);
  bad(
    '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="2"} 1\n' +
      'h_bucket{le="+Inf"} 2\nh_sum 1\nh_count 2\n',
    /not cumulative/,
  );
  bad(
    '# TYPE h histogram\nh_bucket{le="1"} 2\nh_sum 1\nh_count 2\n',
    /no \+Inf/,
  );
  bad(
    '# TYPE h histogram\nh_bucket{le="+Inf"} 3\nh_sum 1\nh_count 2\n',
    /\+Inf bucket is not _count/,
  );
  bad(
    "# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\n# HELP a again\n",
    /a split up/,
  );
  assert.deepEqual(
    exposition('# HELP x X.\n# TYPE x gauge\nx{a="\\\\\\"\\n"} 1\n').problems,
    [],
  );
});

function seededDatabase(): DatabaseSync {
  const db = new DatabaseSync(":memory:");
  migrate(db);
  db.exec(`INSERT INTO balances (user_id, tokens, held, spent)
    VALUES (1, 80, 10, 20)`);
  const job = (id: string, duration: number, quality: string, s: number) =>
    db.prepare(`INSERT INTO jobs (id, user_id, chat_id, state, mode, duration,
      quality, cost, file_id, locale, render_seconds, created_at, updated_at)
      VALUES (?, 1, 1, 'done', 'quick', ?, ?, 10, 'f', 'en', ?, 'now', 'now')`)
      .run(id, duration, quality, s);
  job("a", 10, "medium", 20);
  job("b", 10, "medium", 700);
  job("c", 5, "high", 2000);
  return db;
}

Deno.test("/metrics follows the Prometheus format and naming rules", async () => {
  const db = seededDatabase();
  const metrics = new Metrics();
  metrics.comfyuiErrors.inc('odd "kind"\\\nline');
  metrics.telegramErrors.inc("429", 2);
  metrics.updates.inc("", 3);
  for (const ms of [0, 0, 40, 900, 1500, 120_000]) {
    metrics.telegramWait.observe(ms / 1000);
  }
  metrics.servers = () => [
    { name: "gpu-1", up: true },
    { name: 'gpu "2"\\\nb', up: false },
  ];
  const text = renderMetrics(await metricsFigures(sqliteReader(db)), metrics, {
    version: "9.9.9",
    rss: () => 42,
  });
  db.close();
  const { problems, samples } = exposition(text);
  assert.deepEqual(problems, []);
  const value = (name: string, labels: Record<string, string> = {}) =>
    samples.find((s) =>
      s.name === name &&
      JSON.stringify(s.labels) === JSON.stringify(labels)
    )?.value;
  assert.match(text, /^# TYPE lora_tokens_spent_total counter$/m);
  assert.equal(value("lora_tokens_spent_total"), 20);
  // Duration and quality are two labels; the packed `settings` is gone.
  assert.ok(!/settings=/.test(text), "no settings label");
  assert.equal(
    value("lora_job_duration_seconds_bucket", {
      duration: "10",
      quality: "medium",
      le: "30",
    }),
    1,
  );
  assert.equal(
    value("lora_job_duration_seconds_count", {
      duration: "5",
      quality: "high",
    }),
    1,
  );
  assert.equal(value("lora_build_info", { version: "9.9.9" }), 1);
  assert.equal(value("process_resident_memory_bytes"), 42);
  assert.equal(value("lora_comfyui_up", { server: "gpu-1" }), 1);
  // The hostile name comes back whole through the escaping.
  assert.equal(value("lora_comfyui_up", { server: 'gpu "2"\\\nb' }), 0);
  assert.equal(
    value("lora_comfyui_errors_total", { kind: 'odd "kind"\\\nline' }),
    1,
  );
  assert.equal(
    value("lora_telegram_pace_wait_seconds_bucket", { le: "0.005" }),
    2,
  );
  assert.equal(value("lora_telegram_pace_wait_seconds_bucket", { le: "1" }), 4);
  assert.equal(
    value("lora_telegram_pace_wait_seconds_bucket", { le: "+Inf" }),
    6,
  );
  assert.equal(value("lora_telegram_pace_wait_seconds_count"), 6);
});

Deno.test("/metrics of a fresh process is valid too (no jobs, no servers)", async () => {
  const db = new DatabaseSync(":memory:");
  migrate(db);
  const text = renderMetrics(
    await metricsFigures(sqliteReader(db)),
    new Metrics(),
  );
  db.close();
  const { problems, samples } = exposition(text);
  assert.deepEqual(problems, []);
  const rss = samples.find((s) => s.name === "process_resident_memory_bytes");
  assert.ok((rss?.value ?? 0) > 0);
});

import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { migrate } from "../../lib/db/mod.ts";
import { metricsFigures, renderMetrics } from "../../lib/http/metrics.ts";
import { sqliteReader } from "../../lib/db/reader.ts";
import {
  escapeLabel,
  formatNumber,
  PrometheusText,
} from "../../lib/http/prometheus.ts";
import { Counter, Metrics } from "../../lib/http/counters.ts";

Deno.test("escapeLabel() escapes backslash, quote and newline", () => {
  assert.equal(escapeLabel('a\\b"c\nd'), 'a\\\\b\\"c\\nd');
  assert.equal(escapeLabel("plain"), "plain");
});

Deno.test("formatNumber() writes infinities and NaN the Prometheus way", () => {
  assert.equal(formatNumber(Infinity), "+Inf");
  assert.equal(formatNumber(-Infinity), "-Inf");
  assert.equal(formatNumber(NaN), "NaN");
  assert.equal(formatNumber(1.5), "1.5");
});

Deno.test("PrometheusText writes counters with escaped labels and HELP", () => {
  const text = new PrometheusText()
    .counter("x_total", "Help with \\ and\nnewline.", [
      { labels: { kind: 'say "hi"' }, value: 3 },
    ])
    .gauge("y", "A gauge.", [{ value: 0 }])
    .toString();
  assert.equal(
    text,
    [
      "# HELP x_total Help with \\\\ and\\nnewline.",
      "# TYPE x_total counter",
      'x_total{kind="say \\"hi\\""} 3',
      "# HELP y A gauge.",
      "# TYPE y gauge",
      "y 0",
      "",
    ].join("\n"),
  );
});

Deno.test("PrometheusText writes a histogram with cumulative buckets", () => {
  const text = new PrometheusText().histogram("d_seconds", "Durations.", [{
    labels: { duration: "10", quality: "medium" },
    bounds: [15, 30],
    cumulative: [1, 3],
    count: 4,
    sum: 100.5,
  }]).toString();
  assert.equal(
    text,
    [
      "# HELP d_seconds Durations.",
      "# TYPE d_seconds histogram",
      'd_seconds_bucket{duration="10",quality="medium",le="15"} 1',
      'd_seconds_bucket{duration="10",quality="medium",le="30"} 3',
      'd_seconds_bucket{duration="10",quality="medium",le="+Inf"} 4',
      'd_seconds_sum{duration="10",quality="medium"} 100.5',
      'd_seconds_count{duration="10",quality="medium"} 4',
      "",
    ].join("\n"),
  );
});

Deno.test("Counter adds per label and lists labels in order", () => {
  const counter = new Counter();
  counter.inc("b");
  counter.inc("a", 2);
  counter.inc("b");
  assert.deepEqual(counter.entries(), [["a", 2], ["b", 2]]);
  assert.equal(counter.get("missing"), 0);
});

Deno.test("renderMetrics() reads jobs, render times and tokens from the database", async () => {
  const db = new DatabaseSync(":memory:");
  migrate(db);
  db.exec(`INSERT INTO balances (user_id, tokens, held, spent)
    VALUES (1, 80, 10, 20)`);
  const job = (id: string, state: string, seconds: number | null) =>
    db.prepare(`INSERT INTO jobs (id, user_id, chat_id, state, mode, duration,
      quality, cost, file_id, locale, render_seconds, created_at, updated_at)
      VALUES (?, 1, 1, ?, 'quick', 10, 'medium', 10, 'f', 'en', ?, 'now', 'now')`)
      .run(id, state, seconds);
  job("a", "done", 20);
  job("b", "done", 700);
  job("c", "queued", null);
  job("d", "failed", null);
  const metrics = new Metrics();
  metrics.comfyuiErrors.inc("timeout");
  metrics.updates.inc("", 5);
  const text = renderMetrics(await metricsFigures(sqliteReader(db)), metrics);
  assert.match(text, /^lora_jobs\{state="done"\} 2$/m);
  assert.match(text, /^lora_jobs\{state="refunded"\} 0$/m);
  assert.match(text, /^lora_queue_length 1$/m);
  assert.match(
    text,
    /^lora_job_duration_seconds_bucket\{duration="10",quality="medium",le="15"\} 0$/m,
  );
  assert.match(
    text,
    /^lora_job_duration_seconds_bucket\{duration="10",quality="medium",le="30"\} 1$/m,
  );
  assert.match(
    text,
    /^lora_job_duration_seconds_bucket\{duration="10",quality="medium",le="1200"\} 2$/m,
  );
  assert.match(
    text,
    /^lora_job_duration_seconds_sum\{duration="10",quality="medium"\} 720$/m,
  );
  assert.match(text, /^lora_comfyui_errors_total\{kind="timeout"\} 1$/m);
  assert.match(text, /^lora_tokens_held 10$/m);
  assert.match(text, /^lora_tokens_spent_total 20$/m);
  assert.match(text, /^lora_updates_total 5$/m);
  db.close();
});

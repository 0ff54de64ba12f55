/**
 * `/metrics`: the job table, the token totals and render times read from
 * the database at scrape time (so they survive restarts), plus the
 * process's own counters, in the Prometheus text format and by its
 * conventions: everything monotonic is a counter named `_total`, one
 * dimension per label, base units (seconds, bytes), a `_info` gauge for
 * the build.
 *
 * @module
 */

import type { SqlReader } from "../db/reader.ts";
import type { Metrics } from "./counters.ts";
import { type HistogramSeries, PrometheusText } from "./prometheus.ts";
import { JOB_STATES } from "../jobs/mod.ts";
import { VERSION } from "../host/mod.ts";

/** What the process knows about itself (tests replace it). */
export interface ProcessFacts {
  readonly version: string;
  /** Resident set size in bytes. */
  readonly rss: () => number;
}

const THIS_PROCESS: ProcessFacts = {
  version: VERSION,
  rss: () => Deno.memoryUsage().rss,
};

/** Upper bounds of the render time histogram, in seconds. */
export const DURATION_BUCKETS: readonly number[] = [
  15,
  30,
  60,
  120,
  300,
  600,
  1200,
];

/** What /metrics reads from the database. */
export interface MetricsFigures {
  /** Jobs by state. */
  readonly jobs: ReadonlyMap<string, number>;
  readonly held: number;
  readonly spent: number;
  /** Render times of finished jobs by duration and quality. */
  readonly durations: readonly HistogramSeries[];
}

/** Reads {@link MetricsFigures} from either database. */
export async function metricsFigures(db: SqlReader): Promise<MetricsFigures> {
  const [tokens] = await db.all(
    "SELECT COALESCE(SUM(held), 0) AS held, COALESCE(SUM(spent), 0) AS spent FROM balances",
  );
  return {
    jobs: await jobCounts(db),
    held: Number(tokens?.held ?? 0),
    spent: Number(tokens?.spent ?? 0),
    durations: await durationSeries(db),
  };
}

/** Renders every metric from the figures the database gave. */
export function renderMetrics(
  figures: MetricsFigures,
  metrics: Metrics,
  facts: ProcessFacts = THIS_PROCESS,
): string {
  const { jobs } = figures;
  const out = new PrometheusText()
    .gauge(
      "lora_jobs",
      "Jobs in the database by state.",
      // Every state, so that one with no job still shows as 0.
      JOB_STATES.map((state) => ({
        labels: { state },
        value: jobs.get(state) ?? 0,
      })),
    )
    .gauge("lora_queue_length", "Jobs waiting for ComfyUI.", [
      { value: jobs.get("queued") ?? 0 },
    ])
    .histogram(
      "lora_job_duration_seconds",
      "Render time of finished jobs by video duration (s) and quality.",
      [...figures.durations],
    )
    .counter(
      "lora_comfyui_errors_total",
      "ComfyUI failures since start, by kind.",
      labelled(metrics.comfyuiErrors.entries(), "kind"),
    )
    .counter(
      "lora_telegram_errors_total",
      "Failed Bot API calls since start (every attempt), by kind.",
      labelled(metrics.telegramErrors.entries(), "kind"),
    )
    .gauge("lora_tokens_held", "Tokens held by unfinished jobs.", [
      { value: figures.held },
    ])
    .counter("lora_tokens_spent_total", "Tokens spent on delivered videos.", [
      { value: figures.spent },
    ])
    .counter("lora_updates_total", "Telegram updates received since start.", [
      { value: metrics.updates.get() },
    ])
    .histogram(
      "lora_telegram_pace_wait_seconds",
      "Time Bot API calls to a chat waited for Telegram's pace.",
      [metrics.telegramWait.snapshot()],
    )
    .gauge(
      "lora_comfyui_up",
      "Whether each render server passed its last health check (1) or not.",
      metrics.servers().map((s) => ({
        labels: { server: s.name },
        value: s.up ? 1 : 0,
      })),
    )
    .gauge(
      "lora_leader_active",
      "Whether this instance is the active one (1) or a standby (0).",
      [{ value: metrics.role() === "active" ? 1 : 0 }],
    )
    .gauge("lora_build_info", "The running build; always 1.", [
      { labels: { version: facts.version }, value: 1 },
    ])
    .gauge("process_resident_memory_bytes", "Resident memory size in bytes.", [
      { value: facts.rss() },
    ]);
  return out.toString();
}

function labelled(entries: [string, number][], name: string) {
  return entries.map(([label, value]) => ({
    labels: { [name]: label },
    value,
  }));
}

async function jobCounts(db: SqlReader): Promise<Map<string, number>> {
  const rows = await db.all(
    "SELECT state, COUNT(*) AS n FROM jobs GROUP BY state",
  );
  return new Map(rows.map((r) => [String(r.state), Number(r.n)]));
}

// Counted in SQL: one row per duration and quality, however many jobs.
async function durationSeries(db: SqlReader): Promise<HistogramSeries[]> {
  const buckets = DURATION_BUCKETS
    .map((b, i) => `COUNT(*) FILTER (WHERE render_seconds <= ${b}) AS b${i}`)
    .join(", ");
  const rows = await db.all(
    `SELECT duration, quality, COUNT(*) AS n, SUM(render_seconds) AS total,
       ${buckets}
     FROM jobs WHERE state = 'done' AND render_seconds IS NOT NULL
     GROUP BY duration, quality ORDER BY duration, quality`,
  );
  return rows.map((row) => ({
    labels: { duration: String(row.duration), quality: String(row.quality) },
    bounds: DURATION_BUCKETS,
    cumulative: DURATION_BUCKETS.map((_, i) => Number(row[`b${i}`] ?? 0)),
    count: Number(row.n),
    sum: Number(row.total ?? 0),
  }));
}

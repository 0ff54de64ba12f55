/**
 * The numbers behind the dashboard's charts, read from the database at
 * request time (jobs and journal), so they survive restarts and need no
 * collector of their own.
 *
 * @module
 */

import type { SqlReader } from "../db/reader.ts";
import { sqlTime } from "../ledger/mod.ts";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** One named series of counts, aligned with the chart's x values. */
export interface Series {
  readonly label: string;
  readonly values: readonly number[];
}

/** Render time of one settings (`10_medium`) over the last 7 days. */
export interface RenderTime {
  readonly settings: string;
  readonly count: number;
  readonly median: number;
  readonly p90: number;
}

/** Everything the charts draw. */
export interface ChartData {
  /** The last 30 days (UTC dates, oldest first). */
  readonly days: readonly string[];
  /** Delivered videos per day, one series per settings. */
  readonly videos: readonly Series[];
  readonly renderTimes: readonly RenderTime[];
  /** The last 24 hours, one point per hour (unix seconds). */
  readonly hours: readonly number[];
  /** Unfinished jobs at each hour (the queue plus renders in progress). */
  readonly inProgress: readonly number[];
  /** Jobs created in each hour, one series per state they are in now. */
  readonly jobsByState: readonly Series[];
  /** Failed jobs of the last 30 days by cause, most frequent first. */
  readonly failures: readonly { cause: string; count: number }[];
  /** Tokens granted (welcome, admin), bought and spent per day. */
  readonly tokens: readonly Series[];
}

/** Reads every chart's data as of `now`. */
export async function chartData(
  db: SqlReader,
  now: number,
): Promise<ChartData> {
  const days = lastDays(now, 30);
  const hours = Array.from(
    { length: 25 },
    (_, i) => Math.floor(now / HOUR_MS) * 3600 - (24 - i) * 3600,
  );
  return {
    days,
    videos: await videosPerDay(db, days),
    renderTimes: await renderTimes(db, now),
    hours,
    inProgress: await Promise.all(hours.map((h) => inProgressAt(db, h * 1000))),
    jobsByState: await jobsByState(db, hours),
    failures: await failures(db, now),
    tokens: await tokensPerDay(db, days),
  };
}

function lastDays(now: number, count: number): string[] {
  return Array.from(
    { length: count },
    (_, i) =>
      new Date(now - (count - 1 - i) * DAY_MS).toISOString().slice(0, 10),
  );
}

function byKey(
  rows: Record<string, unknown>[],
  xs: readonly (string | number)[],
  x: string,
): Series[] {
  const series = new Map<string, number[]>();
  for (const row of rows) {
    const label = String(row.label);
    const values = series.get(label) ?? xs.map(() => 0);
    const i = xs.indexOf(row[x] as string | number);
    if (i >= 0) values[i] = Number(row.n);
    series.set(label, values);
  }
  return [...series].sort(([a], [b]) => a.localeCompare(b))
    .map(([label, values]) => ({ label, values }));
}

async function videosPerDay(
  db: SqlReader,
  days: string[],
): Promise<Series[]> {
  const rows = await db.all(
    `SELECT substr(finished_at, 1, 10) AS day,
       duration || 's ' || quality AS label, COUNT(*) AS n
     FROM jobs WHERE state = 'done' AND finished_at >= ?
     GROUP BY day, label`,
    [`${days[0]} 00:00:00`],
  );
  return byKey(rows, days, "day");
}

/** The q-quantile (0..1) of sorted values, nearest rank. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil(q * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))] ?? 0;
}

async function renderTimes(
  db: SqlReader,
  now: number,
): Promise<RenderTime[]> {
  const rows = await db.all(
    `SELECT duration || 's ' || quality AS settings, render_seconds AS s
     FROM jobs WHERE state = 'done' AND render_seconds IS NOT NULL
       AND finished_at >= ? ORDER BY duration, quality, render_seconds`,
    [sqlTime(now - 7 * DAY_MS)],
  );
  const groups = new Map<string, number[]>();
  for (const row of rows) {
    const list = groups.get(String(row.settings)) ?? [];
    list.push(Number(row.s));
    groups.set(String(row.settings), list);
  }
  return [...groups].map(([settings, list]) => ({
    settings,
    count: list.length,
    median: quantile(list, 0.5),
    p90: quantile(list, 0.9),
  }));
}

async function inProgressAt(db: SqlReader, at: number): Promise<number> {
  const t = sqlTime(at);
  const [row] = await db.all(
    `SELECT COUNT(*) AS n FROM jobs WHERE created_at <= ?
       AND (finished_at IS NULL OR finished_at > ?)`,
    [t, t],
  );
  return Number(row?.n ?? 0);
}

async function jobsByState(
  db: SqlReader,
  hours: number[],
): Promise<Series[]> {
  const first = hours[0] ?? 0;
  // The hour as text ("YYYY-MM-DD HH"), turned into epoch seconds here:
  // both databases cut a string alike.
  const rows = await db.all(
    `SELECT state AS label, substr(created_at, 1, 13) AS hour, COUNT(*) AS n
     FROM jobs WHERE created_at >= ? GROUP BY label, hour`,
    [sqlTime(first * 1000)],
  );
  return byKey(
    rows.map((row) => ({
      ...row,
      hour: Date.parse(`${String(row.hour).replace(" ", "T")}:00:00Z`) / 1000,
    })),
    hours,
    "hour",
  );
}

async function failures(
  db: SqlReader,
  now: number,
): Promise<{ cause: string; count: number }[]> {
  const rows = await db.all(
    `SELECT COALESCE(NULLIF(substr(error, 1, 60), ''), '?') AS cause,
       COUNT(*) AS n
     FROM jobs WHERE state IN ('failed', 'refunded') AND created_at >= ?
     GROUP BY cause ORDER BY n DESC, cause LIMIT 10`,
    [sqlTime(now - 30 * DAY_MS)],
  );
  return rows.map((r) => ({ cause: String(r.cause), count: Number(r.n) }));
}

// Spent is what captures moved out of `held`; granted counts welcome
// bonuses, carried-over balances and admin additions.
async function tokensPerDay(
  db: SqlReader,
  days: string[],
): Promise<Series[]> {
  const rows = await db.all(
    `SELECT substr(created_at, 1, 10) AS day,
       CASE WHEN kind = 'purchase' THEN 'bought'
            WHEN kind = 'capture' THEN 'spent'
            ELSE 'granted' END AS label,
       SUM(CASE WHEN kind = 'capture' THEN -held_delta ELSE amount END) AS n
     FROM journal
     WHERE created_at >= ? AND (kind IN ('purchase', 'capture', 'grant',
       'import') OR (kind = 'adjust' AND amount > 0))
     GROUP BY day, label`,
    [`${days[0]} 00:00:00`],
  );
  const found = byKey(rows, days, "day");
  return ["granted", "bought", "spent"].map((label) =>
    found.find((s) => s.label === label) ?? {
      label,
      values: days.map(() => 0),
    }
  );
}

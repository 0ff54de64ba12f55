import type { SqlReader } from "../db/reader.ts";
import { sqlTime } from "../ledger/mod.ts";

/** The daily summary's figures over the last 24 hours. */
export interface DailyFigures {
  readonly videos: number;
  readonly users: number;
  readonly newUsers: number;
  readonly spent: number;
  readonly failures: number;
  /** Mean render seconds of the day's videos; undefined without any. */
  readonly meanSeconds: number | undefined;
}

/** Reads the figures of the 24 hours before `now`. */
export async function dailyFigures(
  db: SqlReader,
  now: number,
): Promise<DailyFigures> {
  const since = sqlTime(now - 24 * 60 * 60 * 1000);
  const one = async (sql: string, ...args: string[]) =>
    (await db.all(sql, args))[0] ?? {};
  const done = await one(
    `SELECT COUNT(*) AS n, AVG(render_seconds) AS mean FROM jobs
     WHERE state = 'done' AND finished_at >= ?`,
    since,
  );
  const failed = await one(
    `SELECT COUNT(*) AS n FROM jobs WHERE state = 'failed'
     AND finished_at >= ?`,
    since,
  );
  const users = await one(
    `SELECT COUNT(*) AS n, COUNT(*) FILTER (WHERE created_at >= ?) AS new
     FROM balances`,
    since,
  );
  const spent = await one(
    `SELECT COALESCE(SUM(-held_delta), 0) AS n FROM journal
     WHERE kind = 'capture' AND created_at >= ?`,
    since,
  );
  return {
    videos: Number(done.n ?? 0),
    users: Number(users.n ?? 0),
    newUsers: Number(users.new ?? 0),
    spent: Number(spent.n ?? 0),
    failures: Number(failed.n ?? 0),
    meanSeconds: done.mean === null || done.mean === undefined
      ? undefined
      : Number(done.mean),
  };
}

/**
 * The daily free video (FREE_VIDEOS_PER_DAY): a day is a UTC calendar day,
 * the same for every user, so "the next one" is at the next UTC midnight.
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";
import { sqlTime } from "../ledger/mod.ts";
import type { Duration } from "../pricing.ts";

/** The only duration that can be free. */
export const FREE_DURATION: Duration = 5;

const DAY_MS = 24 * 60 * 60 * 1000;

/** Start of the UTC day of `now`, in ms since the epoch. */
export function dayStart(now: number): number {
  return Math.floor(now / DAY_MS) * DAY_MS;
}

/** Milliseconds from `now` until the next UTC midnight. */
export function msUntilNextDay(now: number): number {
  return dayStart(now) + DAY_MS - now;
}

/**
 * Free videos the user has had today: free jobs not failed or cancelled
 * (a failed free video gives the day's free video back).
 */
export function freeUsedToday(
  db: DatabaseSync,
  userId: number,
  now: number,
): number {
  const row = db.prepare(
    `SELECT COUNT(*) AS n FROM jobs WHERE user_id = ? AND free = 1
       AND state NOT IN ('failed', 'cancelled', 'refunded')
       AND created_at >= ?`,
  ).get(userId, sqlTime(dayStart(now)));
  return Number(row?.n ?? 0);
}

/** The daily free video as the bot's screens see it. */
export interface FreeVideos {
  /** FREE_VIDEOS_PER_DAY (always > 0 when this is given). */
  readonly perDay: number;
  /** Free videos the user may still have today. */
  left(userId: number): Promise<number>;
  /** Milliseconds until the day's free videos come back. */
  msUntilNext(): number;
}

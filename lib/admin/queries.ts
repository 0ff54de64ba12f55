import { one, type ReaderRow, type SqlReader } from "../db/reader.ts";
import type { Clock } from "../clock.ts";
import { sqlTime } from "../ledger/mod.ts";
import type { JobSummary, Totals, UserPage, UserSummary } from "./types.ts";
import { displayText } from "../db/mod.ts";

/** Users per page of /users (the old bot showed the first 15). */
export const USERS_PAGE_SIZE = 15;

const DAY_MS = 24 * 60 * 60 * 1000;

type Row = ReaderRow;

const text = displayText;

function toUser(row: Row): UserSummary {
  return {
    userId: Number(row.user_id),
    username: text(row.username),
    firstName: text(row.first_name),
    lastName: text(row.last_name),
    tokens: Number(row.tokens),
    held: Number(row.held),
    spent: Number(row.spent),
    videos: Number(row.videos_created ?? 0),
    language: text(row.language),
    createdAt: text(row.created_at),
    updatedAt: text(row.updated_at),
  };
}

function toJob(row: Row): JobSummary {
  return {
    id: String(row.id),
    state: String(row.state),
    mode: String(row.mode),
    duration: Number(row.duration),
    quality: String(row.quality),
    cost: Number(row.cost),
    renderSeconds: row.render_seconds === null
      ? undefined
      : Number(row.render_seconds),
    createdAt: String(row.created_at),
  };
}

/**
 * Read-only queries behind the admin commands. They only read, so they can
 * never disturb a balance; all money changes go through the Ledger.
 */
export class AdminQueries {
  readonly #r: SqlReader;
  readonly #clock: Clock;

  /** Binds the queries to an open, migrated database. */
  constructor(reader: SqlReader, clock: Clock) {
    this.#r = reader;
    this.#clock = clock;
  }

  /** One page (zero-based, clamped) of all users, newest first. */
  async users(
    page: number,
    pageSize: number = USERS_PAGE_SIZE,
  ): Promise<UserPage> {
    const total = Number(
      (await one(this.#r, "SELECT COUNT(*) AS n FROM balances")).n,
    );
    const pages = Math.max(1, Math.ceil(total / pageSize));
    const shown = Math.min(Math.max(0, Math.trunc(page) || 0), pages - 1);
    // Users the old bot created without a date sort last; the id keeps
    // the order stable so pages never overlap.
    const users = (await this.#r.all(
      `SELECT * FROM balances
       ORDER BY created_at IS NULL, created_at DESC, user_id DESC
       LIMIT ? OFFSET ?`,
      [pageSize, shown * pageSize],
    )).map(toUser);
    return { users, total, page: shown, pages };
  }

  /** One user, if known. */
  async user(userId: number): Promise<UserSummary | undefined> {
    const [row] = await this.#r.all(
      "SELECT * FROM balances WHERE user_id = ?",
      [userId],
    );
    return row === undefined ? undefined : toUser(row);
  }

  /** The user's latest jobs, newest first. */
  async jobs(userId: number, limit = 5): Promise<JobSummary[]> {
    return (await this.#r.all(
      `SELECT * FROM jobs WHERE user_id = ?
       ORDER BY created_at DESC, ${this.#r.seq} DESC LIMIT ?`,
      [userId, limit],
    )).map(toJob);
  }

  /** Totals for /stats; "today" starts at midnight UTC. */
  async totals(): Promise<Totals> {
    const now = this.#clock.now();
    const today = sqlTime(now - (now % DAY_MS));
    const week = sqlTime(now - 7 * DAY_MS);
    const sums = await one(
      this.#r,
      `SELECT COUNT(*) AS users, COALESCE(SUM(videos_created), 0) AS videos,
         COALESCE(SUM(spent), 0) AS spent, COALESCE(SUM(held), 0) AS held,
         COALESCE(SUM(CASE WHEN created_at >= ? THEN 1 ELSE 0 END), 0)
           AS new_users
       FROM balances`,
      [week],
    );
    const jobs = await one(
      this.#r,
      `SELECT
         COUNT(*) FILTER (WHERE state = 'done' AND finished_at >= ?) AS today,
         COUNT(*) FILTER (WHERE state = 'done' AND finished_at >= ?) AS week,
         COUNT(*) FILTER (WHERE state = 'failed' AND finished_at >= ?)
           AS failed_week,
         COUNT(*) FILTER (WHERE state = 'failed') AS failed_all,
         COUNT(*) FILTER (WHERE state NOT IN ('done', 'failed', 'cancelled',
           'refunded')) AS active
       FROM jobs`,
      [today, week, week],
    );
    return {
      users: Number(sums?.users),
      newUsers: Number(sums?.new_users),
      videosToday: Number(jobs?.today),
      videosWeek: Number(jobs?.week),
      videosAll: Number(sums?.videos),
      spent: Number(sums?.spent),
      held: Number(sums?.held),
      failedWeek: Number(jobs?.failed_week),
      failedAll: Number(jobs?.failed_all),
      active: Number(jobs?.active),
    };
  }
}

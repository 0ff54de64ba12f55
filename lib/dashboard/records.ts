/**
 * Users and jobs as the dashboard lists them: search, filters and one
 * record's details. Read-only; money moves only through the Ledger.
 *
 * @module
 */

import type { SQLOutputValue } from "node:sqlite";
import type { SqlReader } from "../db/reader.ts";
import { JOB_STATES } from "../jobs/mod.ts";
import { displayText } from "../db/mod.ts";

type Row = Record<string, SQLOutputValue>;

/** A user in a search result. */
export interface UserRow {
  readonly userId: number;
  readonly username: string | undefined;
  readonly name: string;
  readonly tokens: number;
  readonly held: number;
  readonly videos: number;
  readonly createdAt: string | undefined;
}

/** A job in a list or on its own page. */
export interface JobRow {
  readonly id: string;
  readonly userId: number;
  readonly state: string;
  readonly mode: string;
  readonly settings: string;
  readonly cost: number;
  readonly promptId: string | undefined;
  readonly server: string | undefined;
  readonly error: string | undefined;
  readonly videoFileId: string | undefined;
  readonly renderSeconds: number | undefined;
  readonly attempts: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly finishedAt: string | undefined;
}

/** Filters of the job list. */
export interface JobFilter {
  readonly state?: string | undefined;
  /** `YYYY-MM-DD`, inclusive (UTC). */
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly userId?: number | undefined;
  readonly limit?: number;
}

/** Job states, in the order of their life. */
export { JOB_STATES };

const DATE = /^\d{4}-\d{2}-\d{2}$/;

const text = displayText;

function toUser(row: Row): UserRow {
  const name = [text(row.first_name), text(row.last_name)]
    .filter((p) => p !== undefined).join(" ");
  return {
    userId: Number(row.user_id),
    username: text(row.username),
    name,
    tokens: Number(row.tokens),
    held: Number(row.held),
    videos: Number(row.videos_created ?? 0),
    createdAt: text(row.created_at),
  };
}

function toJob(row: Row): JobRow {
  return {
    id: String(row.id),
    userId: Number(row.user_id),
    state: String(row.state),
    mode: String(row.mode),
    settings: `${row.duration}s ${row.quality}`,
    cost: Number(row.cost),
    promptId: text(row.prompt_id),
    server: text(row.server),
    error: text(row.error),
    videoFileId: text(row.video_file_id),
    renderSeconds: row.render_seconds === null ||
        row.render_seconds === undefined
      ? undefined
      : Number(row.render_seconds),
    attempts: Number(row.attempts ?? 0),
    createdAt: String(row.created_at),
    updatedAt: String(row.updated_at),
    finishedAt: text(row.finished_at),
  };
}

/** Read-only queries over users and jobs. */
export class Records {
  readonly #r: SqlReader;

  /** Binds the queries to an open, migrated database. */
  constructor(reader: SqlReader) {
    this.#r = reader;
  }

  /**
   * Users whose id is `query`, or whose @username or name contains it
   * (case-insensitive); the newest 50 users for an empty query.
   */
  async searchUsers(query: string, limit = 50): Promise<UserRow[]> {
    const q = query.trim().replace(/^@/, "");
    if (q === "") {
      return (await this.#r.all(
        "SELECT * FROM balances ORDER BY created_at DESC, user_id LIMIT ?",
        [limit],
      )).map(toUser);
    }
    const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    return (await this.#r.all(
      `SELECT * FROM balances
       WHERE CAST(user_id AS TEXT) = ?
         OR username LIKE ? ESCAPE '\\'
         OR (COALESCE(first_name, '') || ' ' || COALESCE(last_name, ''))
           LIKE ? ESCAPE '\\'
       ORDER BY CAST(user_id AS TEXT) = ? DESC, user_id LIMIT ?`,
      [q, like, like, q, limit],
    )).map(toUser);
  }

  /** One user, or undefined. */
  async user(userId: number): Promise<UserRow | undefined> {
    const [row] = await this.#r.all(
      "SELECT * FROM balances WHERE user_id = ?",
      [userId],
    );
    return row === undefined ? undefined : toUser(row);
  }

  /** Jobs matching a filter, newest first. */
  async jobs(filter: JobFilter = {}): Promise<JobRow[]> {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (
      filter.state && (JOB_STATES as readonly string[]).includes(filter.state)
    ) {
      where.push("state = ?");
      args.push(filter.state);
    }
    if (filter.from && DATE.test(filter.from)) {
      where.push("created_at >= ?");
      args.push(`${filter.from} 00:00:00`);
    }
    if (filter.to && DATE.test(filter.to)) {
      where.push("created_at <= ?");
      args.push(`${filter.to} 23:59:59`);
    }
    if (filter.userId !== undefined) {
      where.push("user_id = ?");
      args.push(filter.userId);
    }
    const sql = `SELECT * FROM jobs ${
      where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""
    } ORDER BY created_at DESC, id DESC LIMIT ?`;
    return (await this.#r.all(sql, [...args, filter.limit ?? 100]))
      .map(toJob);
  }

  /** One job, or undefined. */
  async job(id: string): Promise<JobRow | undefined> {
    const [row] = await this.#r.all("SELECT * FROM jobs WHERE id = ?", [id]);
    return row === undefined ? undefined : toJob(row);
  }

  /** A job's journal rows (hold, capture, release), oldest first. */
  /** When the job reached each state (the jobs' own event log). */
  async jobEvents(id: string): Promise<{ state: string; at: string }[]> {
    return (await this.#r.all(
      "SELECT state, at FROM job_events WHERE job_id = ? ORDER BY id",
      [id],
    )).map((r) => ({ state: String(r.state), at: String(r.at) }));
  }

  async jobMoves(
    id: string,
  ): Promise<{ kind: string; at: string; amount: number }[]> {
    return (await this.#r.all(
      `SELECT kind, created_at, amount, held_delta FROM journal
       WHERE job_id = ? ORDER BY id`,
      [id],
    )).map((r) => ({
      kind: String(r.kind),
      at: String(r.created_at),
      amount: Number(r.amount) + Number(r.held_delta),
    }));
  }
}

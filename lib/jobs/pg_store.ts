import type { Sql } from "postgres";
import type { Clock } from "../clock.ts";
import {
  adjustPg,
  lockAccount,
  movePg,
  type PgTx,
  type Row,
  sqlTime,
} from "../ledger/mod.ts";
import { payReferralBonusPg } from "../referrals/mod.ts";
import * as extras from "./extras.ts";
import { dayStart, FREE_DURATION } from "./free.ts";
import {
  DuplicateJobError,
  FINAL_STATES,
  type Job,
  JobLimitError,
  type JobState,
  type JobStore,
  type NewJob,
} from "./job.ts";
import { toJob } from "./store.ts";

type Advance = Parameters<JobStore["advance"]>;

const UNFINISHED = ["queued", "submitted", "running", "delivering"];

/**
 * The {@link JobStore} on PostgreSQL. A job's money moves in the same
 * `sql.begin()` transaction as its state; the user's account row is locked
 * first (`FOR UPDATE`), so the limit and the free video of the day are
 * decided with no other job of the user being created or finished.
 */
export class PgJobStore implements JobStore {
  readonly #sql: Sql;
  readonly #clock: Clock;

  constructor(sql: Sql, clock: Clock) {
    this.#sql = sql;
    this.#clock = clock;
  }

  async create(job: NewJob): Promise<Job> {
    try {
      return await this.#sql.begin((tx) => this.#create(tx, job));
    } catch (error) {
      const code = (error as { code?: string }).code;
      const constraint = (error as { constraint_name?: string })
        .constraint_name;
      if (code === "23505" && constraint === "jobs_update_id_key") {
        throw new DuplicateJobError(job.updateId, { cause: error });
      }
      throw error;
    }
  }

  async #create(tx: PgTx, job: NewJob): Promise<Job> {
    const now = this.#clock.now();
    await lockAccount(tx, job.userId);
    if (
      job.maxActive !== undefined &&
      await this.#active(tx, job.userId) >= job.maxActive
    ) {
      throw new JobLimitError(job.maxActive);
    }
    const free = job.duration === FREE_DURATION &&
      await this.#freeLeft(tx, job.userId, job.freePerDay ?? 0) > 0;
    const at = sqlTime(now);
    const [aspect, videoChat, replyTo] = extras.extrasValues(job);
    await tx`INSERT INTO jobs (id, user_id, chat_id, state, mode, duration,
        quality, cost, file_id, update_id, locale, created_at, updated_at,
        prompt, free, aspect, video_chat, reply_to)
      VALUES (${job.id}, ${job.userId}, ${job.chatId}, 'queued', ${job.mode},
        ${job.duration}, ${job.quality}, ${job.cost}, ${job.fileId},
        ${job.updateId ?? null}, ${job.locale}, ${at}, ${at},
        ${job.prompt ?? null}, ${free ? 1 : 0}, ${aspect ?? null},
        ${videoChat ?? null}, ${replyTo ?? null})`;
    const base = { userId: job.userId, heldDelta: 0 };
    if (free) {
      await movePg(tx, now, {
        ...base,
        kind: "grant",
        amount: job.cost,
        options: {
          idemKey: `free:${job.id}`,
          jobId: job.id,
          note: "free video of the day",
        },
      });
    }
    await movePg(tx, now, {
      userId: job.userId,
      kind: "hold",
      amount: -job.cost,
      heldDelta: job.cost,
      options: { idemKey: `hold:${job.id}`, jobId: job.id },
    });
    await this.#event(tx, job.id, "queued");
    return await this.#require(tx, job.id);
  }

  async get(id: string): Promise<Job | undefined> {
    const [row] = await this.#sql`SELECT * FROM jobs WHERE id = ${id}`;
    return row === undefined ? undefined : toJob(row as Row);
  }

  async byUpdate(updateId: number): Promise<Job | undefined> {
    const [row] = await this.#sql`SELECT * FROM jobs
      WHERE update_id = ${updateId}`;
    return row === undefined ? undefined : toJob(row as Row);
  }

  async events(id: string): Promise<{ state: JobState; at: string }[]> {
    const rows = await this.#sql`SELECT state, at FROM job_events
      WHERE job_id = ${id} ORDER BY id`;
    return rows.map((r) => ({
      state: String(r.state) as JobState,
      at: String(r.at),
    }));
  }

  advance(...[id, state, fields = {}]: Advance): Promise<void> {
    return this.#sql.begin(async (tx) => {
      const [before] = await tx`SELECT state FROM jobs WHERE id = ${id}
        FOR UPDATE`;
      const moved = await tx`UPDATE jobs SET state = ${state},
          updated_at = ${sqlTime(this.#clock.now())},
          prompt_id = COALESCE(${fields.promptId ?? null}, prompt_id),
          progress_message_id = COALESCE(${fields.progressMessageId ?? null},
            progress_message_id)
        WHERE id = ${id} AND state IN ${tx(UNFINISHED)}
          AND (${state} <> 'running' OR state IN ('queued', 'submitted'))
        RETURNING id`;
      if (moved.length > 0 && before?.state !== state) {
        await this.#event(tx, id, state);
      }
    });
  }

  async remember(
    id: string,
    fields: { progressMessageId: number },
  ): Promise<void> {
    await this.#sql`UPDATE jobs
      SET progress_message_id = ${fields.progressMessageId} WHERE id = ${id}`;
  }

  async assignServer(id: string, server: string): Promise<void> {
    await this.#sql`UPDATE jobs SET server = ${server} WHERE id = ${id}`;
  }

  async serverOf(id: string): Promise<string | undefined> {
    const [row] = await this.#sql`SELECT server FROM jobs WHERE id = ${id}`;
    return row?.server === null || row?.server === undefined
      ? undefined
      : String(row.server);
  }

  async countAttempt(id: string): Promise<void> {
    await this.#sql`UPDATE jobs SET attempts = attempts + 1 WHERE id = ${id}`;
  }

  async markSent(
    id: string,
    sent: { messageId: number; videoFileId: string | undefined },
  ): Promise<void> {
    await this.#sql`UPDATE jobs SET video_message_id = ${sent.messageId},
        video_file_id = COALESCE(${sent.videoFileId ?? null}, video_file_id),
        updated_at = ${sqlTime(this.#clock.now())}
      WHERE id = ${id} AND state = 'delivering'`;
  }

  complete(
    id: string,
    result: { videoFileId?: string; renderSeconds: number },
  ): Promise<Job> {
    return this.#sql.begin(async (tx) => {
      const job = await this.#lock(tx, id);
      if (FINAL_STATES.has(job.state)) return job;
      const now = this.#clock.now();
      await movePg(tx, now, {
        userId: job.userId,
        kind: "capture",
        amount: 0,
        heldDelta: -job.cost,
        options: { idemKey: `capture:${id}`, jobId: id },
      });
      await tx`UPDATE balances SET videos_created = videos_created + 1,
          updated_at = ${sqlTime(now)}
        WHERE user_id = ${job.userId}`;
      // An invited user's first delivered video pays both referral bonuses.
      await payReferralBonusPg(tx, now, job.userId);
      await this.#finish(tx, id, "done", {
        videoFileId: result.videoFileId ?? job.videoFileId ?? null,
        renderSeconds: result.renderSeconds,
      });
      return await this.#require(tx, id);
    });
  }

  fail(
    id: string,
    error: string,
    state: "failed" | "cancelled" = "failed",
  ): Promise<Job> {
    return this.#sql.begin(async (tx) => {
      const job = await this.#lock(tx, id);
      if (FINAL_STATES.has(job.state)) return job;
      if (job.videoMessageId !== undefined) return job;
      // A user's cancel comes too late once the video is being sent.
      if (state === "cancelled" && job.state === "delivering") return job;
      const now = this.#clock.now();
      await movePg(tx, now, {
        userId: job.userId,
        kind: "release",
        amount: job.cost,
        heldDelta: -job.cost,
        options: { idemKey: `release:${id}`, jobId: id },
      });
      if (job.free) {
        // The free grant goes with the job (see the SQLite store).
        await adjustPg(tx, now, job.userId, -job.cost, {
          idemKey: `unfree:${id}`,
          jobId: id,
          note: "free video not delivered: grant taken back",
        });
      }
      await this.#finish(tx, id, state, { error: error.slice(0, 500) });
      return await this.#require(tx, id);
    });
  }

  freeLeft(userId: number, perDay: number): Promise<number> {
    return this.#freeLeft(this.#sql, userId, perDay);
  }

  async delivered(userId: number, limit: number): Promise<Job[]> {
    const rows = await this.#sql`SELECT * FROM jobs
      WHERE user_id = ${userId} AND state = 'done'
        AND video_file_id IS NOT NULL
      ORDER BY finished_at DESC, seq DESC LIMIT ${limit}`;
    return rows.map((row) => toJob(row as Row));
  }

  async unfinished(): Promise<Job[]> {
    const rows = await this.#sql`SELECT * FROM jobs
      WHERE state IN ${this.#sql(UNFINISHED)} ORDER BY created_at, seq`;
    return rows.map((row) => toJob(row as Row));
  }

  activeCount(userId: number): Promise<number> {
    return this.#active(this.#sql, userId);
  }

  async #active(tx: PgTx, userId: number): Promise<number> {
    const [row] = await tx`SELECT COUNT(*) AS n FROM jobs
      WHERE user_id = ${userId} AND state IN ${tx(UNFINISHED)}`;
    return Number(row?.n ?? 0);
  }

  async #freeLeft(tx: PgTx, userId: number, perDay: number): Promise<number> {
    if (perDay <= 0) return 0;
    const since = sqlTime(dayStart(this.#clock.now()));
    const [row] = await tx`SELECT COUNT(*) AS n FROM jobs
      WHERE user_id = ${userId} AND free = 1
        AND state NOT IN ('failed', 'cancelled', 'refunded')
        AND created_at >= ${since}`;
    return Math.max(0, perDay - Number(row?.n ?? 0));
  }

  async #event(tx: PgTx, id: string, state: JobState): Promise<void> {
    await tx`INSERT INTO job_events (job_id, state, at)
      VALUES (${id}, ${state}, ${sqlTime(this.#clock.now())})`;
  }

  async #finish(
    tx: PgTx,
    id: string,
    state: JobState,
    extra: {
      videoFileId?: string | null;
      renderSeconds?: number;
      error?: string;
    },
  ): Promise<void> {
    const now = sqlTime(this.#clock.now());
    await tx`UPDATE jobs SET state = ${state}, updated_at = ${now},
        finished_at = ${now},
        video_file_id = ${
      extra.videoFileId === undefined
        ? tx`video_file_id`
        : tx`${extra.videoFileId}`
    },
        render_seconds = ${
      extra.renderSeconds === undefined
        ? tx`render_seconds`
        : tx`${extra.renderSeconds}`
    },
        error = ${extra.error === undefined ? tx`error` : tx`${extra.error}`}
      WHERE id = ${id}`;
    await this.#event(tx, id, state);
  }

  async #lock(tx: PgTx, id: string): Promise<Job> {
    // The account first, then the job: the order every movement keeps.
    const [owner] = await tx`SELECT user_id FROM jobs WHERE id = ${id}`;
    if (owner === undefined) throw new Error(`Unknown job "${id}"`);
    await lockAccount(tx, Number(owner.user_id));
    const [row] = await tx`SELECT * FROM jobs WHERE id = ${id} FOR UPDATE`;
    return toJob(row as Row);
  }

  async #require(tx: PgTx, id: string): Promise<Job> {
    const [row] = await tx`SELECT * FROM jobs WHERE id = ${id}`;
    if (row === undefined) throw new Error(`Unknown job "${id}"`);
    return toJob(row as Row);
  }
}

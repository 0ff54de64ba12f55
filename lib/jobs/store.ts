import type { DatabaseSync, SQLOutputValue } from "node:sqlite";
import * as extras from "./extras.ts";
import type { Clock } from "../clock.ts";
import { transaction } from "../db/mod.ts";
import { payReferralBonus } from "../referrals/mod.ts";
import { sqlTime, type SyncLedger } from "../ledger/mod.ts";
import { parseDuration, parseQuality } from "../pricing.ts";
import { FREE_DURATION, freeUsedToday } from "./free.ts";
import {
  FINAL_STATES,
  type Job,
  JobLimitError,
  type JobState,
  type NewJob,
} from "./job.ts";

type Row = Record<string, SQLOutputValue>;

function optional<T>(
  value: SQLOutputValue | undefined,
  f: (v: SQLOutputValue) => T,
): T | undefined {
  return value === null || value === undefined ? undefined : f(value);
}

export function toJob(row: Row): Job {
  return {
    id: String(row.id),
    userId: Number(row.user_id),
    chatId: Number(row.chat_id),
    state: String(row.state) as JobState,
    mode: row.mode === "wizard" ? "wizard" : "quick",
    duration: parseDuration(Number(row.duration)) ?? 10,
    quality: parseQuality(row.quality) ?? "medium",
    cost: Number(row.cost),
    fileId: String(row.file_id),
    updateId: optional(row.update_id, Number),
    locale: String(row.locale),
    progressMessageId: optional(row.progress_message_id, Number),
    promptId: optional(row.prompt_id, String),
    error: optional(row.error, String),
    attempts: Number(row.attempts ?? 0),
    createdAt: String(row.created_at),
    prompt: optional(row.prompt, String),
    free: Number(row.free ?? 0) === 1,
    videoFileId: optional(row.video_file_id, String),
    videoMessageId: optional(row.video_message_id, Number),
    ...extras.extrasOf(row),
  };
}

/**
 * Jobs and their money on SQLite, synchronously (the {@link JobStore}
 * interface wraps it in `SqliteJobStore`). Creating a job holds its cost,
 * completing it captures the hold, failing it releases the hold: each in
 * one transaction with the job's state change, so a crash can never leave
 * them disagreeing.
 */
export class SyncJobStore {
  readonly #db: DatabaseSync;
  readonly #ledger: SyncLedger;
  readonly #clock: Clock;

  constructor(db: DatabaseSync, ledger: SyncLedger, clock: Clock) {
    this.#db = db;
    this.#ledger = ledger;
    this.#clock = clock;
  }

  /**
   * Records a queued job and holds its cost. A free video of the day is
   * granted its price first (journal `grant`, key `free:<job>`), so the
   * hold, capture and `verify` work as for any job.
   * @throws {InsufficientTokensError} when the user cannot afford it.
   * @throws {JobLimitError} when the user has `maxActive` unfinished jobs.
   */
  create(job: NewJob): Job {
    return transaction(this.#db, () => {
      if (
        job.maxActive !== undefined &&
        this.activeCount(job.userId) >= job.maxActive
      ) {
        throw new JobLimitError(job.maxActive);
      }
      const now = sqlTime(this.#clock.now());
      const free = this.freeLeft(job.userId, job.freePerDay ?? 0) > 0 &&
        job.duration === FREE_DURATION;
      this.#db.prepare(
        `INSERT INTO jobs (id, user_id, chat_id, state, mode, duration,
           quality, cost, file_id, update_id, locale, created_at, updated_at,
           prompt, free, ${extras.EXTRA_COLUMNS})
         VALUES (?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        job.id,
        job.userId,
        job.chatId,
        job.mode,
        job.duration,
        job.quality,
        job.cost,
        job.fileId,
        job.updateId ?? null,
        job.locale,
        now,
        now,
        job.prompt ?? null,
        free ? 1 : 0,
        ...extras.extrasValues(job),
      );
      if (free) {
        this.#ledger.grant(job.userId, job.cost, {
          idemKey: `free:${job.id}`,
          jobId: job.id,
          note: "free video of the day",
        });
      }
      this.#ledger.hold(job.userId, job.cost, {
        idemKey: `hold:${job.id}`,
        jobId: job.id,
      });
      this.#event(job.id, "queued");
      return this.#require(job.id);
    });
  }

  /** The job with this id. */
  get(id: string): Job | undefined {
    const row = this.#db.prepare("SELECT * FROM jobs WHERE id = ?").get(id);
    return row === undefined ? undefined : toJob(row);
  }

  /** The job started by a Telegram update, if any. */
  byUpdate(updateId: number): Job | undefined {
    const row = this.#db.prepare("SELECT * FROM jobs WHERE update_id = ?")
      .get(updateId);
    return row === undefined ? undefined : toJob(row);
  }

  /** When the job reached each state, oldest first. */
  events(id: string): { state: JobState; at: string }[] {
    return this.#db.prepare(
      "SELECT state, at FROM job_events WHERE job_id = ? ORDER BY id",
    ).all(id).map((r) => ({
      state: String(r.state) as JobState,
      at: String(r.at),
    }));
  }

  /** Moves an unfinished job to a new non-final state. */
  advance(
    id: string,
    state: Exclude<JobState, "done" | "failed" | "cancelled" | "refunded">,
    fields: { promptId?: string; progressMessageId?: number } = {},
  ): void {
    const before = this.get(id)?.state;
    const result = this.#db.prepare(
      `UPDATE jobs SET state = ?, updated_at = ?,
         prompt_id = COALESCE(?, prompt_id),
         progress_message_id = COALESCE(?, progress_message_id)
       WHERE id = ? AND state NOT IN ('done', 'failed', 'cancelled', 'refunded')
         AND (? <> 'running' OR state IN ('queued', 'submitted'))`,
    ).run(
      state,
      sqlTime(this.#clock.now()),
      fields.promptId ?? null,
      fields.progressMessageId ?? null,
      id,
      state,
    );
    if (Number(result.changes) > 0 && before !== state) this.#event(id, state);
  }

  #event(id: string, state: JobState): void {
    this.#db.prepare(
      "INSERT INTO job_events (job_id, state, at) VALUES (?, ?, ?)",
    ).run(id, state, sqlTime(this.#clock.now()));
  }

  /** Remembers the job's progress message, whatever its state. */
  remember(id: string, fields: { progressMessageId: number }): void {
    this.#db.prepare("UPDATE jobs SET progress_message_id = ? WHERE id = ?")
      .run(fields.progressMessageId, id);
  }

  /** Records which render server the job was sent to. */
  assignServer(id: string, server: string): void {
    this.#db.prepare("UPDATE jobs SET server = ? WHERE id = ?").run(server, id);
  }

  /** The render server the job was sent to, if any. */
  serverOf(id: string): string | undefined {
    const row = this.#db.prepare("SELECT server FROM jobs WHERE id = ?").get(
      id,
    );
    return row?.server === null || row?.server === undefined
      ? undefined
      : String(row.server);
  }

  /** Counts a resubmission (ComfyUI forgot the job across a restart). */
  countAttempt(id: string): void {
    this.#db.prepare("UPDATE jobs SET attempts = attempts + 1 WHERE id = ?")
      .run(id);
  }

  /**
   * Records that the job's video was sent (before the capture, which may
   * fail): from then on the job is only ever completed.
   */
  markSent(
    id: string,
    sent: { messageId: number; videoFileId: string | undefined },
  ): void {
    this.#db.prepare(
      `UPDATE jobs SET video_message_id = ?,
         video_file_id = COALESCE(?, video_file_id), updated_at = ?
       WHERE id = ? AND state = 'delivering'`,
    ).run(
      sent.messageId,
      sent.videoFileId ?? null,
      sqlTime(this.#clock.now()),
      id,
    );
  }

  /** Marks the job done, spends its hold and counts the video. */
  complete(
    id: string,
    result: { videoFileId?: string; renderSeconds: number },
  ): Job {
    return transaction(this.#db, () => {
      const job = this.#require(id);
      if (FINAL_STATES.has(job.state)) return job;
      this.#ledger.capture(job.userId, job.cost, {
        idemKey: `capture:${id}`,
        jobId: id,
      });
      this.#ledger.countVideo(job.userId);
      // An invited user's first delivered video pays both referral bonuses.
      payReferralBonus(this.#db, {
        ledger: this.#ledger,
        invitedId: job.userId,
        now: this.#clock.now(),
      });
      this.#finish(id, "done", {
        video_file_id: result.videoFileId ?? job.videoFileId ?? null,
        render_seconds: result.renderSeconds,
      });
      return this.#require(id);
    });
  }

  /**
   * Ends the job without a video and gives the hold back; a job whose video
   * was sent is left as it is (it is completed, never refunded).
   */
  fail(
    id: string,
    error: string,
    state: "failed" | "cancelled" = "failed",
  ): Job {
    return transaction(this.#db, () => {
      const job = this.#require(id);
      if (FINAL_STATES.has(job.state)) return job;
      if (job.videoMessageId !== undefined) return job;
      // A user's cancel comes too late once the video is being sent.
      if (state === "cancelled" && job.state === "delivering") return job;
      this.#ledger.release(job.userId, job.cost, {
        idemKey: `release:${id}`,
        jobId: id,
      });
      if (job.free) {
        // The free grant goes with the job: a failed free video must not
        // leave tokens the user could spend on a paid one.
        this.#ledger.adjust(job.userId, -job.cost, {
          idemKey: `unfree:${id}`,
          jobId: id,
          note: "free video not delivered: grant taken back",
        });
      }
      this.#finish(id, state, { error: error.slice(0, 500) });
      return this.#require(id);
    });
  }

  /** Free videos the user may still have today under `perDay`. */
  freeLeft(userId: number, perDay: number): number {
    if (perDay <= 0) return 0;
    const used = freeUsedToday(this.#db, userId, this.#clock.now());
    return Math.max(0, perDay - used);
  }

  /** The user's delivered videos with a file_id, newest first. */
  delivered(userId: number, limit: number): Job[] {
    return this.#db.prepare(
      `SELECT * FROM jobs WHERE user_id = ? AND state = 'done'
         AND video_file_id IS NOT NULL
       ORDER BY finished_at DESC, rowid DESC LIMIT ?`,
    ).all(userId, limit).map(toJob);
  }

  /** Jobs that have not reached a final state, oldest first. */
  unfinished(): Job[] {
    return this.#db.prepare(
      `SELECT * FROM jobs WHERE state NOT IN ('done', 'failed', 'cancelled',
         'refunded') ORDER BY created_at, rowid`,
    ).all().map(toJob);
  }

  /** How many unfinished jobs a user has. */
  activeCount(userId: number): number {
    const row = this.#db.prepare(
      `SELECT COUNT(*) AS n FROM jobs WHERE user_id = ? AND state NOT IN
         ('done', 'failed', 'cancelled', 'refunded')`,
    ).get(userId);
    return Number(row?.n);
  }

  #finish(
    id: string,
    state: JobState,
    extra: Record<string, string | number | null>,
  ): void {
    const now = sqlTime(this.#clock.now());
    const columns = Object.keys(extra).map((c) => `, ${c} = ?`).join("");
    this.#db.prepare(
      `UPDATE jobs SET state = ?, updated_at = ?, finished_at = ?${columns}
       WHERE id = ?`,
    ).run(state, now, now, ...Object.values(extra), id);
    this.#event(id, state);
  }

  #require(id: string): Job {
    const job = this.get(id);
    if (job === undefined) throw new Error(`Unknown job "${id}"`);
    return job;
  }
}

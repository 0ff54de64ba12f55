import type { ReaderRow, SqlReader } from "../db/reader.ts";
import { sqlTime } from "./ledger.ts";

/** A rule `verify` checks, in the order it checks them. */
export type VerifyRule =
  | "integrity"
  | "non_negative"
  | "movement_shape"
  | "replay"
  | "conservation"
  | "job_money"
  | "held_matches_jobs"
  | "stale_holds"
  | "one_capture_per_job"
  | "sent_never_refunded";

/** Totals over the whole ledger, printed by `lora-bot verify`. */
export interface LedgerFigures {
  users: number;
  available: number;
  held: number;
  spent: number;
  granted: number;
  bought: number;
  refunded: number;
  journalRows: number;
  jobsByState: Record<string, number>;
  /** Jobs whose video was sent and whose capture waits for the next start. */
  sentUncaptured: number;
}

/** The outcome of {@link verifyLedger}. */
export interface VerifyReport {
  readonly ok: boolean;
  /** Rules that held, in order. */
  readonly passed: VerifyRule[];
  /** The first broken rule and what broke it. */
  readonly broken?: { rule: VerifyRule; detail: string };
  readonly figures: LedgerFigures;
}

/** Options of {@link verifyLedger}. */
export interface VerifyOptions {
  /** Now, in ms since the epoch. */
  readonly now: number;
  /** A hold older than this must belong to an unfinished job. */
  readonly holdTimeoutMs: number;
}

type Check = (
  db: SqlReader,
  options: VerifyOptions,
) => Promise<string | undefined>;

const first = async (
  db: SqlReader,
  sql: string,
  ...args: (string | number)[]
): Promise<ReaderRow | undefined> => (await db.all(sql, args))[0];

// Each check returns a description of the first violation, or undefined.
const CHECKS: readonly [VerifyRule, Check][] = [
  ["integrity", async (db) => {
    // PostgreSQL checks its pages itself (and answered this query).
    if (db.dialect !== "sqlite") return undefined;
    const row = await first(db, "PRAGMA integrity_check");
    const result = String(row?.integrity_check);
    return result === "ok" ? undefined : `integrity_check says: ${result}`;
  }],
  ["non_negative", async (db) => {
    const row = await first(
      db,
      `SELECT user_id, tokens, held, spent FROM balances
       WHERE tokens < 0 OR held < 0 OR spent < 0 LIMIT 1`,
    );
    return row &&
      `user ${row.user_id}: tokens ${row.tokens}, held ${row.held}, spent ${row.spent}`;
  }],
  ["movement_shape", async (db) => {
    const row = await first(
      db,
      `SELECT id, kind, amount, held_delta FROM journal WHERE NOT (
         (kind IN ('import', 'grant', 'purchase') AND amount >= 0 AND held_delta = 0) OR
         (kind = 'refund' AND amount <= 0 AND held_delta = 0) OR
         (kind = 'adjust' AND held_delta = 0) OR
         (kind = 'hold' AND amount <= 0 AND held_delta = -amount) OR
         (kind = 'release' AND amount >= 0 AND held_delta = -amount) OR
         (kind = 'capture' AND amount = 0 AND held_delta <= 0)) LIMIT 1`,
    );
    return row &&
      `journal row ${row.id} (${row.kind}) moves ${row.amount} available and ${row.held_delta} held`;
  }],
  ["replay", async (db) => {
    const row = await first(
      db,
      `SELECT b.user_id, b.tokens, b.held, b.spent,
         COALESCE(j.tokens, 0) AS jt, COALESCE(j.held, 0) AS jh, COALESCE(j.spent, 0) AS js
       FROM balances b LEFT JOIN (
         SELECT user_id, SUM(amount) AS tokens, SUM(held_delta) AS held,
           SUM(CASE WHEN kind = 'capture' THEN -held_delta ELSE 0 END) AS spent
         FROM journal GROUP BY user_id) j ON j.user_id = b.user_id
       WHERE b.tokens != COALESCE(j.tokens, 0) OR b.held != COALESCE(j.held, 0)
         OR b.spent != COALESCE(j.spent, 0) LIMIT 1`,
    );
    return row &&
      `user ${row.user_id}: balance ${row.tokens}/${row.held}/${row.spent} (available/held/spent), journal gives ${row.jt}/${row.jh}/${row.js}`;
  }],
  ["conservation", async (db) => {
    const row = await first(
      db,
      `SELECT b.user_id, b.tokens + b.held + b.spent AS has, COALESCE(j.net, 0) AS got
       FROM balances b LEFT JOIN (
         SELECT user_id, SUM(amount) AS net FROM journal
         WHERE kind IN ('import', 'grant', 'adjust', 'purchase', 'refund')
         GROUP BY user_id) j ON j.user_id = b.user_id
       WHERE b.tokens + b.held + b.spent != COALESCE(j.net, 0) LIMIT 1`,
    );
    return row &&
      `user ${row.user_id}: available + held + spent = ${row.has}, but granted + bought - refunded = ${row.got}`;
  }],
  ["job_money", async (db) => {
    const row = await first(
      db,
      `SELECT * FROM (SELECT j.id, j.state, j.cost,
         (SELECT -amount FROM journal WHERE idem_key = 'hold:' || j.id) AS held,
         (SELECT COUNT(*) FROM journal WHERE idem_key = 'capture:' || j.id) AS captures,
         (SELECT COUNT(*) FROM journal WHERE idem_key = 'release:' || j.id) AS releases
       FROM jobs j) m WHERE NOT (
         held IS NOT DISTINCT FROM cost AND (
           (state = 'done' AND captures = 1 AND releases = 0) OR
           (state IN ('failed', 'cancelled', 'refunded') AND captures = 0 AND releases = 1) OR
           (state IN ('queued', 'submitted', 'running', 'delivering') AND captures = 0 AND releases = 0)))
       LIMIT 1`,
    );
    return row &&
      `job ${row.id} is ${row.state} (cost ${row.cost}) with hold ${row.held}, ${row.captures} capture(s), ${row.releases} release(s)`;
  }],
  ["held_matches_jobs", async (db) => {
    const row = await first(
      db,
      `SELECT b.user_id, b.held, COALESCE(j.open, 0) AS open FROM balances b
       LEFT JOIN (SELECT user_id, SUM(cost) AS open FROM jobs
         WHERE state IN ('queued', 'submitted', 'running', 'delivering')
         GROUP BY user_id) j ON j.user_id = b.user_id
       WHERE b.held != COALESCE(j.open, 0) LIMIT 1`,
    );
    return row &&
      `user ${row.user_id}: ${row.held} held, but unfinished jobs cost ${row.open}`;
  }],
  ["stale_holds", async (db, options) => {
    const cutoff = sqlTime(options.now - options.holdTimeoutMs);
    const row = await first(
      db,
      `SELECT h.id, h.user_id, h.job_id, h.created_at FROM journal h
       WHERE h.kind = 'hold' AND h.created_at < ?
         AND NOT EXISTS (SELECT 1 FROM journal e WHERE e.job_id = h.job_id
           AND e.kind IN ('capture', 'release'))
         AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.id = h.job_id
           AND j.state IN ('queued', 'submitted', 'running', 'delivering'))
       LIMIT 1`,
      cutoff,
    );
    return row &&
      `hold ${row.id} of user ${row.user_id} (job ${row.job_id}, ${row.created_at}) has no job that owns it`;
  }],
  ["one_capture_per_job", async (db) => {
    const row = await first(
      db,
      `SELECT job_id, COUNT(*) AS n FROM journal WHERE kind = 'capture'
       GROUP BY job_id HAVING COUNT(*) > 1 LIMIT 1`,
    );
    return row && `job ${row.job_id} was captured ${row.n} times`;
  }],
  // A job whose video was sent is captured (done), or still delivering
  // until the next start captures it; it is never released.
  ["sent_never_refunded", async (db) => {
    const row = await first(
      db,
      `SELECT id, state FROM jobs WHERE video_message_id IS NOT NULL
         AND state NOT IN ('delivering', 'done') LIMIT 1`,
    );
    return row && `job ${row.id} sent its video but is ${row.state}`;
  }],
];

async function figures(db: SqlReader): Promise<LedgerFigures> {
  const totals = await first(
    db,
    `SELECT COUNT(*) AS users, COALESCE(SUM(tokens), 0) AS available,
       COALESCE(SUM(held), 0) AS held, COALESCE(SUM(spent), 0) AS spent
     FROM balances`,
  );
  const sum = async (where: string) =>
    Number(
      (await first(
        db,
        `SELECT COALESCE(SUM(amount), 0) AS n FROM journal WHERE ${where}`,
      ))?.n,
    );
  const jobsByState: Record<string, number> = {};
  for (
    const row of await db.all(
      "SELECT state, COUNT(*) AS n FROM jobs GROUP BY state",
    )
  ) {
    jobsByState[String(row.state)] = Number(row.n);
  }
  return {
    users: Number(totals?.users),
    available: Number(totals?.available),
    held: Number(totals?.held),
    spent: Number(totals?.spent),
    granted: await sum("kind IN ('import', 'grant', 'adjust')"),
    bought: await sum("kind = 'purchase'"),
    refunded: Math.abs(await sum("kind = 'refund'")),
    journalRows: Number(
      (await first(db, "SELECT COUNT(*) AS n FROM journal"))?.n,
    ),
    jobsByState,
    sentUncaptured: Number(
      (await first(
        db,
        `SELECT COUNT(*) AS n FROM jobs
         WHERE video_message_id IS NOT NULL AND state = 'delivering'`,
      ))?.n,
    ),
  };
}

/**
 * Checks the ledger's invariants and stops at the first broken rule:
 * SQLite's integrity, no negative balance, journal rows of the right shape,
 * balances equal to the replayed journal, available + held + spent =
 * granted + bought − refunded, every job's hold captured or released as its
 * state says, held tokens equal to unfinished jobs' costs, no stale hold
 * without a job, at most one capture per job, and no job whose video was
 * sent ever refunded (one sent but not yet captured is `delivering`: the
 * next start captures it).
 */
export async function verifyLedger(
  db: SqlReader,
  options: VerifyOptions,
): Promise<VerifyReport> {
  const passed: VerifyRule[] = [];
  for (const [rule, check] of CHECKS) {
    const problem = await check(db, options);
    if (problem !== undefined) {
      return {
        ok: false,
        passed,
        broken: { rule, detail: problem },
        figures: await figures(db),
      };
    }
    passed.push(rule);
  }
  return { ok: true, passed, figures: await figures(db) };
}

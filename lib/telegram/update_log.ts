/**
 * The journal of Telegram updates. Each one is stored (`payload`) before
 * Telegram is told it arrived: the webhook answers 200, the long poll
 * confirms its offset, only after the row is written. An update Telegram
 * sends again is recognised by its update_id and not handled twice. Once
 * handled, it is marked done (`payload` becomes NULL); one stored but not
 * done when the process died is handled by the next start: at least once,
 * so what a handler does with money is idempotent (a job per update_id,
 * a payment per charge id, a grant per message).
 *
 * @module
 */

import type { SqlRunner } from "../db/reader.ts";
import type { Update } from "grammy/types";
import type { Clock } from "../clock.ts";
import { sqlTime } from "../ledger/mod.ts";

/** Telegram keeps undelivered updates for 24 hours; a week is ample. */
const KEEP_MS = 7 * 24 * 3_600_000;
/**
 * Tries of one update: handling is at least once, so an update whose
 * handling kills the process would otherwise do so on every start.
 */
export const MAX_ATTEMPTS = 3;
/**
 * An update is given up only once it has also been stored this long. A
 * kill from outside (OOM, a power cut, systemd's stop timeout) counts a try
 * for every update in flight, including photos merely waiting for their
 * download slot: a few quick kills in a row must not lose them (the chaos
 * test kills 12 times in 15 s). A real crash loop restarts every 10 s under
 * the shipped unit, so it is broken after about a minute.
 */
export const GIVE_UP_AFTER_MS = 60_000;

/** Which update ids were already handled. */
export class UpdateLog {
  readonly #db: SqlRunner;
  readonly #clock: Clock;

  constructor(db: SqlRunner, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  /** Stores an update until it is handled; false when it was seen before. */
  async store(update: Update): Promise<boolean> {
    const changes = await this.#db.run(
      `INSERT INTO updates (update_id, user_id, received_at, payload)
       VALUES (?, ?, ?, ?) ON CONFLICT (update_id) DO NOTHING`,
      [
        update.update_id,
        senderOf(update) ?? null,
        sqlTime(this.#clock.now()),
        JSON.stringify(update),
      ],
    );
    return changes === 1;
  }

  /**
   * Whether to handle an update, counting a try: `handle` when it is stored
   * and not done (or seen for the first time: an update handed to the bot
   * directly, which is then recorded as done), `seen` when it was done
   * before, `given_up` (and marked done) on its try past
   * {@link MAX_ATTEMPTS} once it is {@link GIVE_UP_AFTER_MS} old.
   */
  async record(
    updateId: number,
    userId: number | undefined,
  ): Promise<"handle" | "seen" | "given_up"> {
    const changes = await this.#db.run(
      `INSERT INTO updates (update_id, user_id, received_at) VALUES (?, ?, ?)
       ON CONFLICT (update_id) DO UPDATE SET attempts = updates.attempts + 1
         WHERE updates.payload IS NOT NULL`,
      [updateId, userId ?? null, sqlTime(this.#clock.now())],
    );
    if (changes === 0) return "seen";
    const [row] = await this.#db.all(
      "SELECT attempts, received_at FROM updates WHERE update_id = ?",
      [updateId],
    );
    // received_at is sqlTime(): "YYYY-MM-DD HH:MM:SS" in UTC.
    const stored = Date.parse(`${String(row?.received_at).replace(" ", "T")}Z`);
    const age = this.#clock.now() - stored;
    if (Number(row?.attempts) <= MAX_ATTEMPTS || !(age >= GIVE_UP_AFTER_MS)) {
      return "handle";
    }
    await this.done(updateId);
    return "given_up";
  }

  /** Marks a stored update handled. */
  async done(updateId: number): Promise<void> {
    await this.#db.run(
      "UPDATE updates SET payload = NULL WHERE update_id = ?",
      [updateId],
    );
  }

  /** Whether the update is stored and not handled yet. */
  async isPending(updateId: number): Promise<boolean> {
    const rows = await this.#db.all(
      "SELECT 1 FROM updates WHERE update_id = ? AND payload IS NOT NULL",
      [updateId],
    );
    return rows.length > 0;
  }

  /** Stored updates not handled yet, oldest first, except `skip`. */
  async pending(limit: number, skip: ReadonlySet<number>): Promise<Update[]> {
    if (limit <= 0) return [];
    // At most the dispatcher's few hundred in memory: one placeholder each.
    const ids = [...skip];
    const not = ids.length === 0
      ? ""
      : `AND update_id NOT IN (${ids.map(() => "?").join(", ")})`;
    const rows = await this.#db.all(
      `SELECT payload FROM updates WHERE payload IS NOT NULL ${not}
       ORDER BY update_id LIMIT ?`,
      [...ids, limit],
    );
    return rows.map((row) => JSON.parse(String(row.payload)) as Update);
  }

  /** Forgets handled updates older than a week; returns how many. */
  async prune(): Promise<number> {
    const cutoff = sqlTime(this.#clock.now() - KEEP_MS);
    return await this.#db.run(
      "DELETE FROM updates WHERE received_at < ? AND payload IS NULL",
      [cutoff],
    );
  }
}

// The user an update comes from, for the `user_id` column.
function senderOf(update: Update): number | undefined {
  return (update.message ?? update.edited_message)?.from?.id ??
    update.callback_query?.from.id ?? update.pre_checkout_query?.from.id;
}

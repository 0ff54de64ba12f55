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

import type { DatabaseSync } from "node:sqlite";
import type { Update } from "grammy/types";
import type { Clock } from "./clock.ts";
import { sqlTime } from "./ledger/mod.ts";

/** Telegram keeps undelivered updates for 24 hours; a week is ample. */
const KEEP_MS = 7 * 24 * 3_600_000;

/** Which update ids were already handled. */
export class UpdateLog {
  readonly #db: DatabaseSync;
  readonly #clock: Clock;

  constructor(db: DatabaseSync, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  /** Stores an update until it is handled; false when it was seen before. */
  store(update: Update): boolean {
    const result = this.#db.prepare(
      `INSERT INTO updates (update_id, user_id, received_at, payload)
       VALUES (?, ?, ?, ?) ON CONFLICT (update_id) DO NOTHING`,
    ).run(
      update.update_id,
      senderOf(update) ?? null,
      sqlTime(this.#clock.now()),
      JSON.stringify(update),
    );
    return Number(result.changes) === 1;
  }

  /**
   * Whether the update is to be handled: stored and not done yet, or seen
   * for the first time (an update handed to the bot directly, which is
   * then recorded as done); false when it was done before.
   */
  record(updateId: number, userId: number | undefined): boolean {
    const result = this.#db.prepare(
      `INSERT INTO updates (update_id, user_id, received_at) VALUES (?, ?, ?)
       ON CONFLICT (update_id) DO NOTHING`,
    ).run(updateId, userId ?? null, sqlTime(this.#clock.now()));
    return Number(result.changes) === 1 || this.isPending(updateId);
  }

  /** Marks a stored update handled. */
  done(updateId: number): void {
    this.#db.prepare("UPDATE updates SET payload = NULL WHERE update_id = ?")
      .run(updateId);
  }

  /** Whether the update is stored and not handled yet. */
  isPending(updateId: number): boolean {
    return this.#db.prepare(
      "SELECT 1 FROM updates WHERE update_id = ? AND payload IS NOT NULL",
    ).get(updateId) !== undefined;
  }

  /** Stored updates not handled yet, oldest first, except `skip`. */
  pending(limit: number, skip: ReadonlySet<number>): Update[] {
    if (limit <= 0) return [];
    return this.#db.prepare(
      `SELECT payload FROM updates WHERE payload IS NOT NULL
         AND update_id NOT IN (SELECT value FROM json_each(?))
       ORDER BY update_id LIMIT ?`,
    ).all(JSON.stringify([...skip]), limit)
      .map((row) => JSON.parse(String(row.payload)) as Update);
  }

  /** Forgets handled updates older than a week; returns how many. */
  prune(): number {
    const cutoff = sqlTime(this.#clock.now() - KEEP_MS);
    const result = this.#db.prepare(
      "DELETE FROM updates WHERE received_at < ? AND payload IS NULL",
    ).run(cutoff);
    return Number(result.changes);
  }
}

// The user an update comes from, for the `user_id` column.
function senderOf(update: Update): number | undefined {
  return (update.message ?? update.edited_message)?.from?.id ??
    update.callback_query?.from.id ?? update.pre_checkout_query?.from.id;
}

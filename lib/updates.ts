/**
 * The journal of Telegram updates. Each one is stored (`payload`) before
 * Telegram is told it arrived: the webhook answers 200, the long poll
 * confirms its offset, only after the row is written. Its handling claims
 * it (`payload` becomes NULL) before anything else happens, so an update
 * Telegram re-sends, or one stored twice, is handled once; one stored but
 * not yet claimed when the process died is handled by the next start.
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
   * Claims the update for handling (recording it if it was not stored);
   * false when its handling had already started once.
   */
  record(updateId: number, userId: number | undefined): boolean {
    const result = this.#db.prepare(
      `INSERT INTO updates (update_id, user_id, received_at) VALUES (?, ?, ?)
       ON CONFLICT (update_id) DO UPDATE SET payload = NULL
         WHERE payload IS NOT NULL`,
    ).run(updateId, userId ?? null, sqlTime(this.#clock.now()));
    return Number(result.changes) === 1;
  }

  /** Whether the update is stored and its handling has not started. */
  isPending(updateId: number): boolean {
    return this.#db.prepare(
      "SELECT 1 FROM updates WHERE update_id = ? AND payload IS NOT NULL",
    ).get(updateId) !== undefined;
  }

  /** Stored updates not claimed yet, oldest first, except `skip`. */
  pending(limit: number, skip: ReadonlySet<number>): Update[] {
    if (limit <= 0) return [];
    const rows = this.#db.prepare(
      `SELECT update_id, payload FROM updates WHERE payload IS NOT NULL
       ORDER BY update_id LIMIT ?`,
    ).all(limit + skip.size);
    const updates: Update[] = [];
    for (const row of rows) {
      if (updates.length >= limit) break;
      if (skip.has(Number(row.update_id))) continue;
      updates.push(JSON.parse(String(row.payload)) as Update);
    }
    return updates;
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

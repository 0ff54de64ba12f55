/**
 * The journal of handled Telegram updates. Telegram re-sends every update
 * whose offset the bot did not confirm before it died; recording each
 * update_id before anything else lets the bot skip a re-delivered one.
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";
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

  /** Records the update; false when it had been recorded before. */
  record(updateId: number, userId: number | undefined): boolean {
    const result = this.#db.prepare(
      `INSERT INTO updates (update_id, user_id, received_at) VALUES (?, ?, ?)
       ON CONFLICT (update_id) DO NOTHING`,
    ).run(updateId, userId ?? null, sqlTime(this.#clock.now()));
    return Number(result.changes) === 1;
  }

  /** Forgets updates older than a week; returns how many. */
  prune(): number {
    const cutoff = sqlTime(this.#clock.now() - KEEP_MS);
    const result = this.#db.prepare("DELETE FROM updates WHERE received_at < ?")
      .run(cutoff);
    return Number(result.changes);
  }
}

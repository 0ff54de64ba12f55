/**
 * Per-group settings: whether a group admin switched `/animate` off.
 *
 * @module
 */

import type { Clock } from "../clock.ts";
import type { SqlRunner } from "../db/reader.ts";
import { sqlTime } from "../ledger/mod.ts";

/** The group_settings table. */
export class GroupSettings {
  readonly #db: SqlRunner;
  readonly #clock: Clock;

  constructor(db: SqlRunner, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  /** Whether /animate is off in the group. */
  async animateOff(chatId: number): Promise<boolean> {
    const [row] = await this.#db.all(
      "SELECT animate_off FROM group_settings WHERE chat_id = ?",
      [chatId],
    );
    return Number(row?.animate_off ?? 0) === 1;
  }

  /** Switches /animate on or off in the group, remembering who did. */
  async setAnimate(chatId: number, on: boolean, by: number): Promise<void> {
    await this.#db.run(
      `INSERT INTO group_settings (chat_id, animate_off, changed_by, changed_at)
       VALUES (?, ?, ?, ?)
       ON CONFLICT (chat_id) DO UPDATE SET animate_off = excluded.animate_off,
         changed_by = excluded.changed_by, changed_at = excluded.changed_at`,
      [chatId, on ? 0 : 1, by, sqlTime(this.#clock.now())],
    );
  }
}

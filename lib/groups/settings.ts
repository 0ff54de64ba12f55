/**
 * Per-group settings: whether a group admin switched `/animate` off.
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";
import type { Clock } from "../clock.ts";
import type { Promised } from "../db/mod.ts";
import { sqlTime } from "../ledger/mod.ts";

/** The group_settings table. */
export class SyncGroupSettings {
  readonly #db: DatabaseSync;
  readonly #clock: Clock;

  constructor(db: DatabaseSync, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  /** Whether /animate is off in the group. */
  animateOff(chatId: number): boolean {
    const row = this.#db.prepare(
      "SELECT animate_off FROM group_settings WHERE chat_id = ?",
    ).get(chatId);
    return Number(row?.animate_off ?? 0) === 1;
  }

  /** Switches /animate on or off in the group, remembering who did. */
  setAnimate(chatId: number, on: boolean, by: number): void {
    this.#db.prepare(
      `INSERT INTO group_settings (chat_id, animate_off, changed_by, changed_at)
       VALUES (?, ?, ?, ?)
       ON CONFLICT (chat_id) DO UPDATE SET animate_off = excluded.animate_off,
         changed_by = excluded.changed_by, changed_at = excluded.changed_at`,
    ).run(chatId, on ? 0 : 1, by, sqlTime(this.#clock.now()));
  }
}

/** Per-group settings: the storage interface of both databases. */
export type GroupSettings = Promised<SyncGroupSettings>;

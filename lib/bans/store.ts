/**
 * Bans: an admin stops an abusive account. The current bans live in
 * `bans`; every ban and unban is also a row of `ban_audit` (who, whom,
 * when, why), written in the same transaction.
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";
import type { Clock } from "../clock.ts";
import { type Promised, transaction } from "../db/mod.ts";
import { sqlTime } from "../ledger/mod.ts";

/** A current ban. */
export interface Ban {
  readonly userId: number;
  readonly bannedBy: number;
  readonly reason: string | undefined;
  /** "YYYY-MM-DD HH:MM:SS", UTC. */
  readonly bannedAt: string;
}

/** One line of the audit trail. */
export interface BanEvent {
  readonly userId: number;
  readonly adminId: number;
  readonly action: "ban" | "unban";
  readonly reason: string | undefined;
  readonly at: string;
}

/** A reason is shown in /user and the dashboard: kept short. */
export const MAX_REASON = 200;

/** The bans table. */
export class SyncBanStore {
  readonly #db: DatabaseSync;
  readonly #clock: Clock;

  constructor(db: DatabaseSync, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  /** The user's ban, if banned. */
  get(userId: number): Ban | undefined {
    const row = this.#db.prepare(
      "SELECT user_id, banned_by, reason, banned_at FROM bans WHERE user_id = ?",
    ).get(userId);
    if (row === undefined) return undefined;
    return {
      userId: Number(row.user_id),
      bannedBy: Number(row.banned_by),
      reason: row.reason === null ? undefined : String(row.reason),
      bannedAt: String(row.banned_at),
    };
  }

  /** Bans (or re-bans with a new reason); returns false if already banned. */
  ban(userId: number, adminId: number, reason?: string): boolean {
    const cut = reason?.trim().slice(0, MAX_REASON) || null;
    return transaction(this.#db, () => {
      const at = sqlTime(this.#clock.now());
      const was = this.get(userId) !== undefined;
      this.#db.prepare(
        `INSERT INTO bans (user_id, banned_by, reason, banned_at)
         VALUES (?, ?, ?, ?)
         ON CONFLICT (user_id) DO UPDATE SET banned_by = excluded.banned_by,
           reason = excluded.reason, banned_at = excluded.banned_at`,
      ).run(userId, adminId, cut, at);
      this.#audit(userId, adminId, "ban", cut, at);
      return !was;
    });
  }

  /** Lifts a ban; returns false if there was none. */
  unban(userId: number, adminId: number): boolean {
    return transaction(this.#db, () => {
      const removed = this.#db.prepare("DELETE FROM bans WHERE user_id = ?")
        .run(userId).changes;
      if (Number(removed) === 0) return false;
      this.#audit(userId, adminId, "unban", null, sqlTime(this.#clock.now()));
      return true;
    });
  }

  /** The user's bans and unbans, newest first. */
  history(userId: number, limit = 10): BanEvent[] {
    return this.#db.prepare(
      `SELECT user_id, admin_id, action, reason, at FROM ban_audit
       WHERE user_id = ? ORDER BY id DESC LIMIT ?`,
    ).all(userId, limit).map((row) => ({
      userId: Number(row.user_id),
      adminId: Number(row.admin_id),
      action: row.action === "unban" ? "unban" : "ban",
      reason: row.reason === null ? undefined : String(row.reason),
      at: String(row.at),
    }));
  }

  /** Every banned user id (the dashboard marks them). */
  bannedIds(): Set<number> {
    return new Set(
      this.#db.prepare("SELECT user_id FROM bans").all().map((row) =>
        Number(row.user_id)
      ),
    );
  }

  #audit(
    userId: number,
    adminId: number,
    action: "ban" | "unban",
    reason: string | null,
    at: string,
  ): void {
    this.#db.prepare(
      `INSERT INTO ban_audit (user_id, admin_id, action, reason, at)
       VALUES (?, ?, ?, ?, ?)`,
    ).run(userId, adminId, action, reason, at);
  }
}

/** Bans and their audit trail: the storage interface of both databases. */
export type BanStore = Promised<SyncBanStore>;

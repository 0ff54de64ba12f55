import type { Sql } from "postgres";
import type { Clock } from "../clock.ts";
import { sqlTime } from "../ledger/mod.ts";
import { type Ban, type BanEvent, type BanStore, MAX_REASON } from "./store.ts";

/** The {@link BanStore} on PostgreSQL: a ban and its audit row together. */
export class PgBanStore implements BanStore {
  readonly #sql: Sql;
  readonly #clock: Clock;

  constructor(sql: Sql, clock: Clock) {
    this.#sql = sql;
    this.#clock = clock;
  }

  async get(userId: number): Promise<Ban | undefined> {
    const [row] = await this.#sql`SELECT user_id, banned_by, reason,
        banned_at FROM bans WHERE user_id = ${userId}`;
    if (row === undefined) return undefined;
    return {
      userId: Number(row.user_id),
      bannedBy: Number(row.banned_by),
      reason: row.reason === null ? undefined : String(row.reason),
      bannedAt: String(row.banned_at),
    };
  }

  ban(userId: number, adminId: number, reason?: string): Promise<boolean> {
    const cut = reason?.trim().slice(0, MAX_REASON) || null;
    return this.#sql.begin(async (tx) => {
      const at = sqlTime(this.#clock.now());
      const [was] = await tx`SELECT 1 FROM bans WHERE user_id = ${userId}
        FOR UPDATE`;
      await tx`INSERT INTO bans (user_id, banned_by, reason, banned_at)
        VALUES (${userId}, ${adminId}, ${cut}, ${at})
        ON CONFLICT (user_id) DO UPDATE SET banned_by = excluded.banned_by,
          reason = excluded.reason, banned_at = excluded.banned_at`;
      await tx`INSERT INTO ban_audit (user_id, admin_id, action, reason, at)
        VALUES (${userId}, ${adminId}, 'ban', ${cut}, ${at})`;
      return was === undefined;
    });
  }

  unban(userId: number, adminId: number): Promise<boolean> {
    return this.#sql.begin(async (tx) => {
      const removed = await tx`DELETE FROM bans WHERE user_id = ${userId}`;
      if (removed.count === 0) return false;
      await tx`INSERT INTO ban_audit (user_id, admin_id, action, reason, at)
        VALUES (${userId}, ${adminId}, 'unban', NULL,
          ${sqlTime(this.#clock.now())})`;
      return true;
    });
  }

  async history(userId: number, limit = 10): Promise<BanEvent[]> {
    const rows = await this.#sql`SELECT user_id, admin_id, action, reason, at
      FROM ban_audit WHERE user_id = ${userId} ORDER BY id DESC
      LIMIT ${limit}`;
    return rows.map((row) => ({
      userId: Number(row.user_id),
      adminId: Number(row.admin_id),
      action: row.action === "unban" ? "unban" : "ban",
      reason: row.reason === null ? undefined : String(row.reason),
      at: String(row.at),
    }));
  }

  async bannedIds(): Promise<Set<number>> {
    const rows = await this.#sql`SELECT user_id FROM bans`;
    return new Set(rows.map((row) => Number(row.user_id)));
  }
}

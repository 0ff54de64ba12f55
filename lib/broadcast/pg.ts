import type { Sql } from "postgres";
import type { Clock } from "../clock.ts";
import { sqlTime } from "../ledger/mod.ts";
import {
  type Broadcast,
  type BroadcastCounts,
  type BroadcastStore,
  type DeliveryState,
  toBroadcast,
} from "./store.ts";

/**
 * The {@link BroadcastStore} on PostgreSQL. Claiming recipients takes the
 * rows with `FOR UPDATE SKIP LOCKED`, so two senders never claim one row.
 */
export class PgBroadcastStore implements BroadcastStore {
  readonly #sql: Sql;
  readonly #clock: Clock;

  constructor(sql: Sql, clock: Clock) {
    this.#sql = sql;
    this.#clock = clock;
  }

  create(
    source: { adminId: number; fromChatId: number; messageId: number },
  ): Promise<{ broadcast: Broadcast; created: boolean }> {
    return this.#sql.begin(async (tx) => {
      const [inserted] = await tx`INSERT INTO broadcasts (admin_id,
          from_chat_id, message_id, state, created_at)
        VALUES (${source.adminId}, ${source.fromChatId}, ${source.messageId},
          'running', ${sqlTime(this.#clock.now())})
        ON CONFLICT (from_chat_id, message_id) DO NOTHING RETURNING id`;
      if (inserted !== undefined) {
        await tx`INSERT INTO broadcast_deliveries (broadcast_id, user_id,
            state)
          SELECT ${inserted.id}, user_id, 'pending' FROM balances
          WHERE user_id != ${source.fromChatId}
            AND user_id NOT IN (SELECT user_id FROM blocked_users)`;
      }
      const [row] = await tx`SELECT * FROM broadcasts
        WHERE from_chat_id = ${source.fromChatId}
          AND message_id = ${source.messageId}`;
      return {
        broadcast: toBroadcast(row as Record<string, unknown>),
        created: inserted !== undefined,
      };
    });
  }

  async get(id: number): Promise<Broadcast | undefined> {
    const [row] = await this.#sql`SELECT * FROM broadcasts WHERE id = ${id}`;
    return row === undefined ? undefined : toBroadcast(row);
  }

  async running(): Promise<Broadcast[]> {
    const rows = await this.#sql`SELECT * FROM broadcasts
      WHERE state = 'running' ORDER BY id`;
    return rows.map((row) => toBroadcast(row));
  }

  async setProgressMessage(id: number, messageId: number): Promise<void> {
    await this.#sql`UPDATE broadcasts SET progress_message_id = ${messageId}
      WHERE id = ${id}`;
  }

  async abandonSending(id: number): Promise<number> {
    const result = await this.#sql`UPDATE broadcast_deliveries
      SET state = 'failed' WHERE broadcast_id = ${id} AND state = 'sending'`;
    return result.count;
  }

  async claim(id: number, limit: number): Promise<number[]> {
    const rows = await this.#sql`UPDATE broadcast_deliveries SET
        state = 'sending'
      WHERE broadcast_id = ${id} AND user_id IN (
        SELECT user_id FROM broadcast_deliveries
        WHERE broadcast_id = ${id} AND state = 'pending'
        ORDER BY user_id LIMIT ${limit} FOR UPDATE SKIP LOCKED)
      RETURNING user_id`;
    return rows.map((row) => Number(row.user_id)).sort((a, b) => a - b);
  }

  settle(id: number, userId: number, state: DeliveryState): Promise<void> {
    return this.#sql.begin(async (tx) => {
      await tx`UPDATE broadcast_deliveries SET state = ${state}
        WHERE broadcast_id = ${id} AND user_id = ${userId}`;
      if (state === "blocked") {
        await tx`INSERT INTO blocked_users (user_id, blocked_at)
          VALUES (${userId}, ${sqlTime(this.#clock.now())})
          ON CONFLICT (user_id) DO NOTHING`;
      }
    });
  }

  async markBlocked(userId: number): Promise<void> {
    await this.#sql`INSERT INTO blocked_users (user_id, blocked_at)
      VALUES (${userId}, ${sqlTime(this.#clock.now())})
      ON CONFLICT (user_id) DO NOTHING`;
  }

  async unblock(userId: number): Promise<void> {
    await this.#sql`DELETE FROM blocked_users WHERE user_id = ${userId}`;
  }

  async counts(id: number): Promise<BroadcastCounts> {
    const n: Record<string, number> = {};
    const rows = await this.#sql`SELECT state, COUNT(*) AS n
      FROM broadcast_deliveries WHERE broadcast_id = ${id} GROUP BY state`;
    for (const row of rows) n[String(row.state)] = Number(row.n);
    const get = (state: string) => n[state] ?? 0;
    return {
      total: Object.values(n).reduce((a, b) => a + b, 0),
      pending: get("pending") + get("sending"),
      sent: get("sent"),
      blocked: get("blocked"),
      failed: get("failed"),
    };
  }

  async finish(id: number): Promise<boolean> {
    const result = await this.#sql`UPDATE broadcasts SET state = 'done',
        finished_at = ${sqlTime(this.#clock.now())}
      WHERE id = ${id} AND state = 'running'`;
    return result.count === 1;
  }
}

import type { Promised } from "../db/mod.ts";
import type { DatabaseSync } from "node:sqlite";
import type { Clock } from "../clock.ts";
import { transaction } from "../db/mod.ts";
import { sqlTime } from "../ledger/mod.ts";

/** What became of the message for one recipient. */
export type DeliveryState =
  | "pending"
  | "sending"
  | "sent"
  | "blocked"
  | "failed";

/** A broadcast: the admin's message copied to every user. */
export interface Broadcast {
  readonly id: number;
  readonly adminId: number;
  readonly fromChatId: number;
  readonly messageId: number;
  readonly state: "running" | "done";
  readonly progressMessageId: number | undefined;
}

/** Deliveries of a broadcast by outcome. */
export interface BroadcastCounts {
  readonly total: number;
  readonly pending: number;
  readonly sent: number;
  readonly blocked: number;
  readonly failed: number;
}

/**
 * Broadcasts and their per-user delivery rows. A row is marked `sending`
 * (committed) before its message goes out, so after a crash a row that may
 * have been delivered is never sent again: it counts as failed instead.
 */
export class SyncBroadcastStore {
  readonly #db: DatabaseSync;
  readonly #clock: Clock;

  constructor(db: DatabaseSync, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  /**
   * Creates the broadcast of a message with a pending row for every user
   * who has not blocked the bot (except the sender). `created` is false
   * when this message was broadcast already.
   */
  create(
    source: { adminId: number; fromChatId: number; messageId: number },
  ): { broadcast: Broadcast; created: boolean } {
    return transaction(this.#db, () => {
      const inserted = this.#db.prepare(
        `INSERT INTO broadcasts (admin_id, from_chat_id, message_id, state,
           created_at) VALUES (?, ?, ?, 'running', ?)
         ON CONFLICT (from_chat_id, message_id) DO NOTHING RETURNING id`,
      ).get(
        source.adminId,
        source.fromChatId,
        source.messageId,
        sqlTime(this.#clock.now()),
      );
      if (inserted !== undefined) {
        this.#db.prepare(
          `INSERT INTO broadcast_deliveries (broadcast_id, user_id, state)
           SELECT ?, user_id, 'pending' FROM balances
           WHERE user_id != ?
             AND user_id NOT IN (SELECT user_id FROM blocked_users)`,
        ).run(Number(inserted.id), source.fromChatId);
      }
      const row = this.#db.prepare(
        "SELECT * FROM broadcasts WHERE from_chat_id = ? AND message_id = ?",
      ).get(source.fromChatId, source.messageId);
      return {
        broadcast: toBroadcast(row as Record<string, unknown>),
        created: inserted !== undefined,
      };
    });
  }

  /** The broadcast with `id`, if any. */
  get(id: number): Broadcast | undefined {
    const row = this.#db.prepare("SELECT * FROM broadcasts WHERE id = ?")
      .get(id);
    return row === undefined ? undefined : toBroadcast(row);
  }

  /** Broadcasts a restart has to resume. */
  running(): Broadcast[] {
    return this.#db.prepare(
      "SELECT * FROM broadcasts WHERE state = 'running' ORDER BY id",
    ).all().map(toBroadcast);
  }

  /** Remembers the admin's progress message, to edit it after a restart. */
  setProgressMessage(id: number, messageId: number): void {
    this.#db.prepare(
      "UPDATE broadcasts SET progress_message_id = ? WHERE id = ?",
    ).run(messageId, id);
  }

  /**
   * Rows a crash left in `sending`: Telegram may have delivered them, so
   * they are counted as failed rather than sent twice. Returns how many.
   */
  abandonSending(id: number): number {
    return Number(
      this.#db.prepare(
        `UPDATE broadcast_deliveries SET state = 'failed'
         WHERE broadcast_id = ? AND state = 'sending'`,
      ).run(id).changes,
    );
  }

  /** Up to `limit` recipients still waiting, marked `sending`. */
  claim(id: number, limit: number): number[] {
    return transaction(this.#db, () => {
      const users = this.#db.prepare(
        `SELECT user_id FROM broadcast_deliveries
         WHERE broadcast_id = ? AND state = 'pending'
         ORDER BY user_id LIMIT ?`,
      ).all(id, limit).map((row) => Number(row.user_id));
      const mark = this.#db.prepare(
        `UPDATE broadcast_deliveries SET state = 'sending'
         WHERE broadcast_id = ? AND user_id = ?`,
      );
      for (const user of users) mark.run(id, user);
      return users;
    });
  }

  /** Records the outcome for one recipient (blocked: marks the user). */
  settle(id: number, userId: number, state: DeliveryState): void {
    transaction(this.#db, () => {
      this.#db.prepare(
        `UPDATE broadcast_deliveries SET state = ?
         WHERE broadcast_id = ? AND user_id = ?`,
      ).run(state, id, userId);
      if (state === "blocked") this.markBlocked(userId);
    });
  }

  /** Marks a user who blocked the bot; later broadcasts skip them. */
  markBlocked(userId: number): void {
    this.#db.prepare(
      `INSERT INTO blocked_users (user_id, blocked_at) VALUES (?, ?)
       ON CONFLICT (user_id) DO NOTHING`,
    ).run(userId, sqlTime(this.#clock.now()));
  }

  /** The user wrote to the bot again, so they unblocked it. */
  unblock(userId: number): void {
    this.#db.prepare("DELETE FROM blocked_users WHERE user_id = ?")
      .run(userId);
  }

  /** Deliveries by outcome (`sending` counts as pending). */
  counts(id: number): BroadcastCounts {
    const n: Record<string, number> = {};
    for (
      const row of this.#db.prepare(
        `SELECT state, COUNT(*) AS n FROM broadcast_deliveries
         WHERE broadcast_id = ? GROUP BY state`,
      ).all(id)
    ) n[String(row.state)] = Number(row.n);
    const get = (state: string) => n[state] ?? 0;
    return {
      total: Object.values(n).reduce((a, b) => a + b, 0),
      pending: get("pending") + get("sending"),
      sent: get("sent"),
      blocked: get("blocked"),
      failed: get("failed"),
    };
  }

  /** Marks the broadcast done; false when it was done already. */
  finish(id: number): boolean {
    return Number(
      this.#db.prepare(
        `UPDATE broadcasts SET state = 'done', finished_at = ?
         WHERE id = ? AND state = 'running'`,
      ).run(sqlTime(this.#clock.now()), id).changes,
    ) === 1;
  }
}

export function toBroadcast(row: Record<string, unknown>): Broadcast {
  return {
    id: Number(row.id),
    adminId: Number(row.admin_id),
    fromChatId: Number(row.from_chat_id),
    messageId: Number(row.message_id),
    state: row.state === "done" ? "done" : "running",
    progressMessageId: row.progress_message_id === null
      ? undefined
      : Number(row.progress_message_id),
  };
}

/** Broadcasts and their deliveries: the storage interface of both databases. */
export type BroadcastStore = Promised<SyncBroadcastStore>;

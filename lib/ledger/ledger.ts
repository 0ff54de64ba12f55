import type { DatabaseSync, SQLOutputValue } from "node:sqlite";
import type { Clock } from "../clock.ts";
import { transaction } from "../db/mod.ts";
import {
  type Account,
  InsufficientTokensError,
  type JournalEntry,
  type JournalKind,
  LedgerError,
  type MovementOptions,
  type UserProfile,
} from "./types.ts";

/** A database row (SQLite gives these types; PostgreSQL rows are read alike). */
export type Row = Record<string, SQLOutputValue>;

/** Formats a time the way the old bot's `balances.db` stores it. */
export function sqlTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace("T", " ");
}

function text(value: SQLOutputValue | undefined): string | undefined {
  return value === null || value === undefined ? undefined : String(value);
}

export function toAccount(row: Row): Account {
  return {
    userId: Number(row.user_id),
    tokens: Number(row.tokens),
    held: Number(row.held),
    spent: Number(row.spent),
    videosCreated: Number(row.videos_created ?? 0),
    username: text(row.username),
    firstName: text(row.first_name),
    lastName: text(row.last_name),
    language: text(row.language),
    createdAt: text(row.created_at),
  };
}

export function toEntry(row: Row): JournalEntry {
  return {
    id: Number(row.id),
    userId: Number(row.user_id),
    kind: String(row.kind) as JournalKind,
    amount: Number(row.amount),
    heldDelta: Number(row.held_delta),
    tokensAfter: Number(row.tokens_after),
    heldAfter: Number(row.held_after),
    jobId: text(row.job_id),
    idemKey: String(row.idem_key),
    note: text(row.note),
    createdAt: String(row.created_at),
  };
}

/**
 * Token balances and their journal on SQLite, synchronously. Every movement
 * changes `balances` and appends one `journal` row in the same transaction,
 * keyed by an idempotency key so that repeating a movement (a re-delivered
 * update, a retry after a crash) changes nothing the second time. The other
 * SQLite stores call it inside their own transactions; everyone else goes
 * through the async {@link Ledger} that {@link SqliteLedger} wraps it in.
 */
export class SyncLedger {
  readonly #db: DatabaseSync;
  readonly #clock: Clock;
  readonly #defaultTokens: number;

  constructor(
    db: DatabaseSync,
    options: { clock: Clock; defaultTokens: number },
  ) {
    this.#db = db;
    this.#clock = options.clock;
    this.#defaultTokens = options.defaultTokens;
  }

  /** The account of `userId`, if the user exists. */
  account(userId: number): Account | undefined {
    const row = this.#db.prepare("SELECT * FROM balances WHERE user_id = ?")
      .get(userId);
    return row === undefined ? undefined : toAccount(row);
  }

  /**
   * Creates the user with the welcome grant, or refreshes their names.
   * `created` tells the caller to show the onboarding text.
   */
  ensureUser(profile: UserProfile): { account: Account; created: boolean } {
    return transaction(this.#db, () => {
      const now = sqlTime(this.#clock.now());
      const existing = this.account(profile.id);
      if (existing !== undefined) {
        this.#db.prepare(
          `UPDATE balances SET username = ?, first_name = ?, last_name = ?,
             updated_at = ? WHERE user_id = ?`,
        ).run(
          profile.username ?? null,
          profile.firstName ?? null,
          profile.lastName ?? null,
          now,
          profile.id,
        );
        return { account: this.#require(profile.id), created: false };
      }
      this.#db.prepare(
        `INSERT INTO balances (user_id, tokens, username, first_name, last_name,
           videos_created, created_at, updated_at, language)
         VALUES (?, 0, ?, ?, ?, 0, ?, ?, ?)`,
      ).run(
        profile.id,
        profile.username ?? null,
        profile.firstName ?? null,
        profile.lastName ?? null,
        now,
        now,
        profile.language ?? null,
      );
      if (this.#defaultTokens > 0) {
        this.#move(profile.id, "grant", this.#defaultTokens, 0, {
          idemKey: `welcome:${profile.id}`,
          note: "welcome bonus",
        });
      }
      return { account: this.#require(profile.id), created: true };
    });
  }

  /** Moves `amount` from available to held for a job. */
  hold(userId: number, amount: number, options: MovementOptions): Account {
    return this.#apply(userId, "hold", -amount, amount, options);
  }

  /** Spends a hold: the job delivered its video. */
  capture(userId: number, amount: number, options: MovementOptions): Account {
    return this.#apply(userId, "capture", 0, -amount, options);
  }

  /** Gives a hold back: the job failed or was cancelled. */
  release(userId: number, amount: number, options: MovementOptions): Account {
    return this.#apply(userId, "release", amount, -amount, options);
  }

  /** Adds tokens (a grant from the operator). */
  grant(userId: number, amount: number, options: MovementOptions): Account {
    return this.#apply(userId, "grant", amount, 0, options);
  }

  /** Credits tokens bought with Telegram Stars. */
  purchase(userId: number, amount: number, options: MovementOptions): Account {
    return this.#apply(userId, "purchase", amount, 0, options);
  }

  /**
   * Takes back the tokens of a refunded purchase, but never more than the
   * user has available. Returns the tokens actually taken (a refund of
   * tokens already spent still gets its journal row, with 0).
   */
  refund(
    userId: number,
    amount: number,
    options: MovementOptions,
  ): { account: Account; applied: number } {
    return transaction(this.#db, () => {
      const before = this.#require(userId);
      const applied = Math.min(Math.max(amount, 0), before.tokens);
      const account = this.#apply(userId, "refund", -applied, 0, options);
      return { account, applied };
    });
  }

  /**
   * An admin correction: positive adds, negative takes away but never below
   * zero. Returns the change actually made.
   */
  adjust(
    userId: number,
    amount: number,
    options: MovementOptions,
  ): { account: Account; applied: number } {
    return transaction(this.#db, () => {
      const before = this.#require(userId);
      const applied = Math.max(amount, -before.tokens);
      if (applied === 0) return { account: before, applied };
      const account = this.#apply(userId, "adjust", applied, 0, options);
      return { account, applied };
    });
  }

  /** The most recent journal entries of a user, newest first. */
  journal(userId: number, limit = 20): JournalEntry[] {
    return this.#db.prepare(
      "SELECT * FROM journal WHERE user_id = ? ORDER BY id DESC LIMIT ?",
    ).all(userId, limit).map(toEntry);
  }

  /**
   * Grants `amount` tokens to every user in one transaction, each as a
   * `grant` journal row keyed `<key>:<user>`: repeating the same promotion
   * (a re-delivered command) grants nothing twice. Returns the users granted.
   */
  grantAll(amount: number, key: string): number {
    return transaction(this.#db, () => {
      const users = this.#db.prepare(
        "SELECT user_id FROM balances ORDER BY user_id",
      ).all().map((row) => Number(row.user_id));
      for (const user of users) {
        this.grant(user, amount, {
          idemKey: `${key}:${user}`,
          note: "promotion (/grant_all)",
        });
      }
      return users.length;
    });
  }

  /** Whether a movement with this idempotency key was made. */
  hasMovement(idemKey: string): boolean {
    return this.#db.prepare("SELECT 1 FROM journal WHERE idem_key = ?")
      .get(idemKey) !== undefined;
  }

  /** Records that the user saw the welcome; true only the first time. */
  markWelcomed(userId: number): boolean {
    const result = this.#db.prepare(
      "UPDATE balances SET welcomed_at = ? WHERE user_id = ? AND welcomed_at IS NULL",
    ).run(sqlTime(this.#clock.now()), userId);
    return Number(result.changes) > 0;
  }

  /** Stores the user's chosen language. */
  setLanguage(userId: number, language: string): void {
    this.#db.prepare("UPDATE balances SET language = ? WHERE user_id = ?")
      .run(language, userId);
  }

  /** Counts a delivered video on the account (the old bot's column). */
  countVideo(userId: number): void {
    this.#db.prepare(
      `UPDATE balances SET videos_created = videos_created + 1, updated_at = ?
       WHERE user_id = ?`,
    ).run(sqlTime(this.#clock.now()), userId);
  }

  #require(userId: number): Account {
    const account = this.account(userId);
    if (account === undefined) {
      throw new LedgerError(`Unknown user ${userId}`);
    }
    return account;
  }

  #apply(
    userId: number,
    kind: JournalKind,
    amount: number,
    heldDelta: number,
    options: MovementOptions,
  ): Account {
    if (!Number.isSafeInteger(amount) || !Number.isSafeInteger(heldDelta)) {
      throw new LedgerError(`Token amounts must be whole numbers (${kind})`);
    }
    return transaction(this.#db, () => {
      this.#move(userId, kind, amount, heldDelta, options);
      return this.#require(userId);
    });
  }

  // Must run inside a transaction. A repeated idempotency key is a no-op.
  #move(
    userId: number,
    kind: JournalKind,
    amount: number,
    heldDelta: number,
    options: MovementOptions,
  ): void {
    const seen = this.#db.prepare("SELECT kind FROM journal WHERE idem_key = ?")
      .get(options.idemKey);
    if (seen !== undefined) {
      if (seen.kind !== kind) {
        throw new LedgerError(
          `Idempotency key "${options.idemKey}" was used for ${seen.kind}`,
        );
      }
      return;
    }
    const spent = kind === "capture" ? -heldDelta : 0;
    const now = sqlTime(this.#clock.now());
    const row = this.#db.prepare(
      `UPDATE balances SET tokens = tokens + ?, held = held + ?,
         spent = spent + ?, updated_at = ?
       WHERE user_id = ? AND tokens + ? >= 0 AND held + ? >= 0
       RETURNING tokens, held`,
    ).get(amount, heldDelta, spent, now, userId, amount, heldDelta);
    if (row === undefined) {
      const account = this.#require(userId);
      if (account.tokens + amount < 0) {
        throw new InsufficientTokensError(-amount, account.tokens);
      }
      throw new LedgerError(
        `Cannot ${kind} ${-heldDelta} held tokens of user ${userId}: only ${account.held} held`,
      );
    }
    this.#db.prepare(
      `INSERT INTO journal (user_id, kind, amount, held_delta, tokens_after,
         held_after, job_id, idem_key, note, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      userId,
      kind,
      amount,
      heldDelta,
      Number(row.tokens),
      Number(row.held),
      options.jobId ?? null,
      options.idemKey,
      options.note ?? null,
      now,
    );
  }
}

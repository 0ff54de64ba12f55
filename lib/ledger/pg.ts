import type { Sql, TransactionSql } from "postgres";
import type { Clock } from "../clock.ts";
import { type Row, sqlTime, toAccount, toEntry } from "./ledger.ts";
import {
  type Account,
  InsufficientTokensError,
  type JournalEntry,
  type JournalKind,
  type Ledger,
  LedgerError,
  type MovementOptions,
  type UserProfile,
} from "./types.ts";

/** A connection or an open transaction of the `postgres` driver. */
export type PgTx = Sql | TransactionSql;

/**
 * The account of `userId`, its row locked until the transaction ends: every
 * movement takes this lock first, so two movements of one user (or one
 * repeated on two instances) run one after the other and the second sees
 * the first's journal row.
 */
export async function lockAccount(
  tx: PgTx,
  userId: number,
): Promise<Account | undefined> {
  const [row] = await tx`SELECT * FROM balances WHERE user_id = ${userId}
    FOR UPDATE`;
  return row === undefined ? undefined : toAccount(row as Row);
}

/**
 * One movement inside an open transaction: the balance change and its
 * journal row; a repeated idempotency key is a no-op. The CHECKs of
 * `balances` and `journal` back the WHERE clause.
 */
export async function movePg(
  tx: PgTx,
  now: number,
  move: {
    userId: number;
    kind: JournalKind;
    amount: number;
    heldDelta: number;
    options: MovementOptions;
  },
): Promise<void> {
  const { userId, kind, amount, heldDelta, options } = move;
  if (!Number.isSafeInteger(amount) || !Number.isSafeInteger(heldDelta)) {
    throw new LedgerError(`Token amounts must be whole numbers (${kind})`);
  }
  const before = await lockAccount(tx, userId);
  if (before === undefined) throw new LedgerError(`Unknown user ${userId}`);
  const [seen] = await tx`SELECT kind FROM journal
    WHERE idem_key = ${options.idemKey}`;
  if (seen !== undefined) {
    if (seen.kind !== kind) {
      throw new LedgerError(
        `Idempotency key "${options.idemKey}" was used for ${seen.kind}`,
      );
    }
    return;
  }
  if (before.tokens + amount < 0) {
    throw new InsufficientTokensError(-amount, before.tokens);
  }
  if (before.held + heldDelta < 0) {
    throw new LedgerError(
      `Cannot ${kind} ${-heldDelta} held tokens of user ${userId}: only ${before.held} held`,
    );
  }
  const spent = kind === "capture" ? -heldDelta : 0;
  const at = sqlTime(now);
  const [row] = await tx`UPDATE balances SET tokens = tokens + ${amount},
      held = held + ${heldDelta}, spent = spent + ${spent}, updated_at = ${at}
    WHERE user_id = ${userId} RETURNING tokens, held`;
  await tx`INSERT INTO journal (user_id, kind, amount, held_delta,
      tokens_after, held_after, job_id, idem_key, note, created_at)
    VALUES (${userId}, ${kind}, ${amount}, ${heldDelta}, ${row?.tokens},
      ${row?.held}, ${options.jobId ?? null}, ${options.idemKey},
      ${options.note ?? null}, ${at})`;
}

/**
 * An admin correction inside an open transaction: never below zero.
 * Returns the change made.
 */
export async function adjustPg(
  tx: PgTx,
  now: number,
  userId: number,
  amount: number,
  options: MovementOptions,
): Promise<{ account: Account; applied: number }> {
  const before = await lockAccount(tx, userId);
  if (before === undefined) throw new LedgerError(`Unknown user ${userId}`);
  const applied = Math.max(amount, -before.tokens);
  if (applied === 0) return { account: before, applied };
  await movePg(tx, now, {
    userId,
    kind: "adjust",
    amount: applied,
    heldDelta: 0,
    options,
  });
  return { account: await requirePg(tx, userId), applied };
}

/** The account, which must exist. */
export async function requirePg(tx: PgTx, userId: number): Promise<Account> {
  const [row] = await tx`SELECT * FROM balances WHERE user_id = ${userId}`;
  if (row === undefined) throw new LedgerError(`Unknown user ${userId}`);
  return toAccount(row as Row);
}

/**
 * The {@link Ledger} on PostgreSQL: each method is one `sql.begin()`
 * transaction; the account row is locked (`FOR UPDATE`) before it is read
 * and written.
 */
export class PgLedger implements Ledger {
  readonly #sql: Sql;
  readonly #clock: Clock;
  readonly #defaultTokens: number;

  constructor(sql: Sql, options: { clock: Clock; defaultTokens: number }) {
    this.#sql = sql;
    this.#clock = options.clock;
    this.#defaultTokens = options.defaultTokens;
  }

  async account(userId: number): Promise<Account | undefined> {
    const [row] = await this.#sql`SELECT * FROM balances
      WHERE user_id = ${userId}`;
    return row === undefined ? undefined : toAccount(row as Row);
  }

  ensureUser(
    profile: UserProfile,
  ): Promise<{ account: Account; created: boolean }> {
    return this.#sql.begin(async (tx) => {
      const now = sqlTime(this.#clock.now());
      const username = profile.username ?? null;
      const first = profile.firstName ?? null;
      const last = profile.lastName ?? null;
      const inserted = await tx`INSERT INTO balances (user_id, tokens,
          username, first_name, last_name, videos_created, created_at,
          updated_at, language)
        VALUES (${profile.id}, 0, ${username}, ${first}, ${last}, 0,
          ${now}, ${now}, ${profile.language ?? null})
        ON CONFLICT (user_id) DO NOTHING RETURNING user_id`;
      if (inserted.length === 0) {
        await tx`UPDATE balances SET username = ${username},
            first_name = ${first}, last_name = ${last},
            updated_at = ${now}
          WHERE user_id = ${profile.id}`;
        return { account: await requirePg(tx, profile.id), created: false };
      }
      if (this.#defaultTokens > 0) {
        await movePg(tx, this.#clock.now(), {
          userId: profile.id,
          kind: "grant",
          amount: this.#defaultTokens,
          heldDelta: 0,
          options: { idemKey: `welcome:${profile.id}`, note: "welcome bonus" },
        });
      }
      return { account: await requirePg(tx, profile.id), created: true };
    });
  }

  hold(userId: number, amount: number, o: MovementOptions): Promise<Account> {
    return this.#apply(userId, "hold", -amount, amount, o);
  }

  capture(
    userId: number,
    amount: number,
    o: MovementOptions,
  ): Promise<Account> {
    return this.#apply(userId, "capture", 0, -amount, o);
  }

  release(
    userId: number,
    amount: number,
    o: MovementOptions,
  ): Promise<Account> {
    return this.#apply(userId, "release", amount, -amount, o);
  }

  grant(userId: number, amount: number, o: MovementOptions): Promise<Account> {
    return this.#apply(userId, "grant", amount, 0, o);
  }

  purchase(
    userId: number,
    amount: number,
    o: MovementOptions,
  ): Promise<Account> {
    return this.#apply(userId, "purchase", amount, 0, o);
  }

  refund(
    userId: number,
    amount: number,
    o: MovementOptions,
  ): Promise<{ account: Account; applied: number }> {
    return this.#sql.begin(async (tx) => {
      const before = await lockAccount(tx, userId);
      if (before === undefined) throw new LedgerError(`Unknown user ${userId}`);
      const applied = Math.min(Math.max(amount, 0), before.tokens);
      await movePg(tx, this.#clock.now(), {
        userId,
        kind: "refund",
        amount: -applied,
        heldDelta: 0,
        options: o,
      });
      return { account: await requirePg(tx, userId), applied };
    });
  }

  adjust(
    userId: number,
    amount: number,
    o: MovementOptions,
  ): Promise<{ account: Account; applied: number }> {
    return this.#sql.begin((tx) =>
      adjustPg(tx, this.#clock.now(), userId, amount, o)
    );
  }

  async journal(userId: number, limit = 20): Promise<JournalEntry[]> {
    const rows = await this.#sql`SELECT * FROM journal
      WHERE user_id = ${userId} ORDER BY id DESC LIMIT ${limit}`;
    return rows.map((row) => toEntry(row as Row));
  }

  async hasMovement(idemKey: string): Promise<boolean> {
    const rows = await this.#sql`SELECT 1 FROM journal
      WHERE idem_key = ${idemKey}`;
    return rows.length > 0;
  }

  grantAll(amount: number, key: string): Promise<number> {
    return this.#sql.begin(async (tx) => {
      const users = await tx`SELECT user_id FROM balances ORDER BY user_id`;
      for (const { user_id: user } of users) {
        await movePg(tx, this.#clock.now(), {
          userId: Number(user),
          kind: "grant",
          amount,
          heldDelta: 0,
          options: {
            idemKey: `${key}:${user}`,
            note: "promotion (/grant_all)",
          },
        });
      }
      return users.length;
    });
  }

  async markWelcomed(userId: number): Promise<boolean> {
    const rows = await this.#sql`UPDATE balances
      SET welcomed_at = ${sqlTime(this.#clock.now())}
      WHERE user_id = ${userId} AND welcomed_at IS NULL RETURNING user_id`;
    return rows.length > 0;
  }

  async setLanguage(userId: number, language: string): Promise<void> {
    await this.#sql`UPDATE balances SET language = ${language}
      WHERE user_id = ${userId}`;
  }

  #apply(
    userId: number,
    kind: JournalKind,
    amount: number,
    heldDelta: number,
    options: MovementOptions,
  ): Promise<Account> {
    return this.#sql.begin(async (tx) => {
      await movePg(tx, this.#clock.now(), {
        userId,
        kind,
        amount,
        heldDelta,
        options,
      });
      return await requirePg(tx, userId);
    });
  }
}

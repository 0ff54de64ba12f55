/** What a journal row records. */
export type JournalKind =
  | "import"
  | "grant"
  | "hold"
  | "capture"
  | "release"
  | "adjust"
  | "purchase"
  | "refund";

/** A user's account as the `balances` table holds it. */
export interface Account {
  readonly userId: number;
  /** Tokens the user can spend now (the old bot's `tokens`). */
  readonly tokens: number;
  /** Tokens reserved for jobs that have not delivered yet. */
  readonly held: number;
  /** Tokens paid for delivered videos. */
  readonly spent: number;
  readonly videosCreated: number;
  readonly username: string | undefined;
  readonly firstName: string | undefined;
  readonly lastName: string | undefined;
  readonly language: string | undefined;
  readonly createdAt: string | undefined;
}

/** Who a Telegram user is, as far as the ledger cares. */
export interface UserProfile {
  readonly id: number;
  readonly username?: string | undefined;
  readonly firstName?: string | undefined;
  readonly lastName?: string | undefined;
  readonly language?: string | undefined;
}

/** One row of the journal. */
export interface JournalEntry {
  readonly id: number;
  readonly userId: number;
  readonly kind: JournalKind;
  /** Change of available tokens (signed). */
  readonly amount: number;
  /** Change of held tokens (signed). */
  readonly heldDelta: number;
  readonly tokensAfter: number;
  readonly heldAfter: number;
  readonly jobId: string | undefined;
  readonly idemKey: string;
  readonly note: string | undefined;
  readonly createdAt: string;
}

/** Identifies a movement so that repeating it is harmless. */
export interface MovementOptions {
  readonly idemKey: string;
  readonly jobId?: string;
  readonly note?: string;
}

/** A ledger rule was broken (unknown user, bad amount, reused key). */
export class LedgerError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "LedgerError";
  }
}

/** The user cannot afford what was asked. */
export class InsufficientTokensError extends LedgerError {
  readonly needed: number;
  readonly available: number;

  constructor(needed: number, available: number) {
    super(`Not enough tokens: ${needed} needed, ${available} available`);
    this.name = "InsufficientTokensError";
    this.needed = needed;
    this.available = available;
  }
}

/**
 * Token balances and their journal: the storage interface both databases
 * implement. Each method that moves tokens is one transaction inside the
 * store (the database enforces `tokens >= 0`, `held >= 0` and one journal
 * row per idempotency key), so no caller ever holds a transaction open.
 */
export interface Ledger {
  /** The account of `userId`, if the user exists. */
  account(userId: number): Promise<Account | undefined>;
  /**
   * Creates the user with the welcome grant, or refreshes their names.
   * `created` tells the caller to show the onboarding text.
   */
  ensureUser(
    profile: UserProfile,
  ): Promise<{ account: Account; created: boolean }>;
  /** Moves `amount` from available to held for a job. */
  hold(
    userId: number,
    amount: number,
    options: MovementOptions,
  ): Promise<Account>;
  /** Spends a hold: the job delivered its video. */
  capture(
    userId: number,
    amount: number,
    options: MovementOptions,
  ): Promise<Account>;
  /** Gives a hold back: the job failed or was cancelled. */
  release(
    userId: number,
    amount: number,
    options: MovementOptions,
  ): Promise<Account>;
  /** Adds tokens (a grant from the operator). */
  grant(
    userId: number,
    amount: number,
    options: MovementOptions,
  ): Promise<Account>;
  /** Credits tokens bought with Telegram Stars. */
  purchase(
    userId: number,
    amount: number,
    options: MovementOptions,
  ): Promise<Account>;
  /**
   * Takes back the tokens of a refunded purchase, never more than the user
   * has available; `applied` is what was taken.
   */
  refund(
    userId: number,
    amount: number,
    options: MovementOptions,
  ): Promise<{ account: Account; applied: number }>;
  /**
   * An admin correction: positive adds, negative takes away but never below
   * zero; `applied` is the change made.
   */
  adjust(
    userId: number,
    amount: number,
    options: MovementOptions,
  ): Promise<{ account: Account; applied: number }>;
  /** The most recent journal entries of a user, newest first. */
  journal(userId: number, limit?: number): Promise<JournalEntry[]>;
  /** Whether a movement with this idempotency key was made. */
  hasMovement(idemKey: string): Promise<boolean>;
  /**
   * `/grant_all`: grants `amount` to every user in one transaction, each
   * keyed `<key>:<user>` so a repeated promotion grants nothing twice.
   * Returns the users granted.
   */
  grantAll(amount: number, key: string): Promise<number>;
  /** Records that the user saw the welcome; true only the first time. */
  markWelcomed(userId: number): Promise<boolean>;
  /** Stores the user's chosen language. */
  setLanguage(userId: number, language: string): Promise<void>;
}

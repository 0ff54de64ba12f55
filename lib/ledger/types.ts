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

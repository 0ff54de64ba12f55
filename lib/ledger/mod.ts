/**
 * The token ledger: balances, holds for running jobs, and a journal row for
 * every movement, written in the same SQLite transaction.
 *
 * @module
 */

export { Ledger, sqlTime } from "./ledger.ts";
export {
  type Account,
  InsufficientTokensError,
  type JournalEntry,
  type JournalKind,
  LedgerError,
  type MovementOptions,
  type UserProfile,
} from "./types.ts";
export { verifyLedger } from "./verify.ts";

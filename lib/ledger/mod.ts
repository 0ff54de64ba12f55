/**
 * The token ledger: balances, holds for running jobs, and a journal row for
 * every movement, written in the same SQLite transaction.
 *
 * @module
 */

export { type Row, sqlTime, SyncLedger, toAccount, toEntry } from "./ledger.ts";
export { SqliteLedger } from "./sqlite.ts";
export {
  adjustPg,
  lockAccount,
  movePg,
  PgLedger,
  type PgTx,
  requirePg,
} from "./pg.ts";
export {
  type Account,
  InsufficientTokensError,
  type JournalEntry,
  type JournalKind,
  type Ledger,
  LedgerError,
  type MovementOptions,
  type UserProfile,
} from "./types.ts";
export { verifyLedger } from "./verify.ts";

import type { DatabaseSync } from "node:sqlite";
import type { Clock } from "../clock.ts";
import { settled } from "../db/mod.ts";
import { SyncLedger } from "./ledger.ts";
import type {
  Account,
  JournalEntry,
  Ledger,
  MovementOptions,
  UserProfile,
} from "./types.ts";

/**
 * The {@link Ledger} on SQLite. Each method runs its whole
 * `BEGIN IMMEDIATE … COMMIT` synchronously before its promise is returned,
 * so nothing interleaves on the single connection; `sync` is the same
 * ledger for the other SQLite stores' transactions.
 */
export class SqliteLedger implements Ledger {
  readonly sync: SyncLedger;

  constructor(
    db: DatabaseSync,
    options: { clock: Clock; defaultTokens: number },
  ) {
    this.sync = new SyncLedger(db, options);
  }

  account(userId: number): Promise<Account | undefined> {
    return settled(() => this.sync.account(userId));
  }

  ensureUser(
    profile: UserProfile,
  ): Promise<{ account: Account; created: boolean }> {
    return settled(() => this.sync.ensureUser(profile));
  }

  hold(userId: number, amount: number, o: MovementOptions): Promise<Account> {
    return settled(() => this.sync.hold(userId, amount, o));
  }

  capture(
    userId: number,
    amount: number,
    o: MovementOptions,
  ): Promise<Account> {
    return settled(() => this.sync.capture(userId, amount, o));
  }

  release(
    userId: number,
    amount: number,
    o: MovementOptions,
  ): Promise<Account> {
    return settled(() => this.sync.release(userId, amount, o));
  }

  grant(userId: number, amount: number, o: MovementOptions): Promise<Account> {
    return settled(() => this.sync.grant(userId, amount, o));
  }

  purchase(
    userId: number,
    amount: number,
    o: MovementOptions,
  ): Promise<Account> {
    return settled(() => this.sync.purchase(userId, amount, o));
  }

  refund(
    userId: number,
    amount: number,
    o: MovementOptions,
  ): Promise<{ account: Account; applied: number }> {
    return settled(() => this.sync.refund(userId, amount, o));
  }

  adjust(
    userId: number,
    amount: number,
    o: MovementOptions,
  ): Promise<{ account: Account; applied: number }> {
    return settled(() => this.sync.adjust(userId, amount, o));
  }

  journal(userId: number, limit?: number): Promise<JournalEntry[]> {
    return settled(() => this.sync.journal(userId, limit));
  }

  grantAll(amount: number, key: string): Promise<number> {
    return settled(() => this.sync.grantAll(amount, key));
  }

  hasMovement(idemKey: string): Promise<boolean> {
    return settled(() => this.sync.hasMovement(idemKey));
  }

  markWelcomed(userId: number): Promise<boolean> {
    return settled(() => this.sync.markWelcomed(userId));
  }

  setLanguage(userId: number, language: string): Promise<void> {
    return settled(() => this.sync.setLanguage(userId, language));
  }
}

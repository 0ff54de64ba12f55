/**
 * The SQLite database (`DATA_DIR/balances.db`) through `node:sqlite`, which
 * ships inside the Deno binary: opening with durable settings, backups
 * before upgrades, and transactions.
 *
 * @module
 */

import { backup, DatabaseSync, type SQLOutputValue } from "node:sqlite";
import { touchPrivate } from "../host/mod.ts";
import { migrate, type MigrationReport, SCHEMA_VERSION } from "./schema.ts";

export { migrate, type MigrationReport, SCHEMA_VERSION };

/** Opens a database with WAL, full fsync and a busy timeout. */
export function openDatabase(path: string): DatabaseSync {
  const db = new DatabaseSync(path);
  db.exec("PRAGMA journal_mode = WAL");
  // FULL: a token movement that was acknowledged survives a power cut.
  db.exec("PRAGMA synchronous = FULL");
  db.exec("PRAGMA busy_timeout = 5000");
  db.exec("PRAGMA foreign_keys = ON");
  return db;
}

/** The schema version stored in the file (0 for a new or old-bot file). */
export function schemaVersion(db: DatabaseSync): number {
  return Number(db.prepare("PRAGMA user_version").get()?.user_version);
}

/** Whether the file holds the old bot's data that an upgrade would touch. */
export function hasTables(db: DatabaseSync): boolean {
  const row = db.prepare(
    "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table'",
  ).get();
  return Number(row?.n) > 0;
}

/**
 * Writes a consistent copy of the live database to `target` with SQLite's
 * online backup API (Deno's SQLite refuses `VACUUM INTO`: it allows no
 * attached databases).
 */
export async function backupTo(
  db: DatabaseSync,
  target: string,
): Promise<void> {
  // SQLite creates the copy with the umask's mode: make it private first.
  await touchPrivate(target);
  await backup(db, target);
}

/**
 * Runs `fn` inside `BEGIN IMMEDIATE` … `COMMIT`, or joins the transaction
 * already open on `db`, so a group of ledger and job changes commits as one.
 */
export function transaction<T>(db: DatabaseSync, fn: () => T): T {
  if (db.isTransaction) return fn();
  db.exec("BEGIN IMMEDIATE");
  try {
    const result = fn();
    db.exec("COMMIT");
    return result;
  } catch (error) {
    if (db.isTransaction) db.exec("ROLLBACK");
    throw error;
  }
}

/** A text column for display: NULL and the empty string are both absent. */
export function displayText(
  value: SQLOutputValue | undefined,
): string | undefined {
  return value === null || value === undefined || value === ""
    ? undefined
    : String(value);
}

/**
 * Read-only SQL that both databases understand, for the reports (admin
 * commands, dashboard, daily summary, /metrics): one query text, `?`
 * placeholders, no SQLite-only functions. Writes never go through here:
 * they are the stores' transactions.
 *
 * @module
 */

import type { DatabaseSync, SQLInputValue, SQLOutputValue } from "node:sqlite";
import type { Sql } from "postgres";

/**
 * A row as a query gives it: SQLite's value types (PostgreSQL's BIGINT
 * and NUMERIC arrive as decimal text, which the readers' Number() takes).
 */
export type ReaderRow = Record<string, SQLOutputValue>;

/** Runs a read-only query on either database. */
export interface SqlReader {
  all(query: string, args?: readonly SQLInputValue[]): Promise<ReaderRow[]>;
  /** The column that orders rows by insertion (SQLite's rowid). */
  readonly seq: string;
}

/** The reader of an SQLite connection (each query runs synchronously). */
export function sqliteReader(db: DatabaseSync): SqlReader {
  return {
    seq: "rowid",
    all(query, args = []) {
      try {
        return Promise.resolve(db.prepare(query).all(...args));
      } catch (error) {
        return Promise.reject(error);
      }
    },
  };
}

/** The reader of a PostgreSQL pool: `?` become `$1`, `$2`, …. */
export function pgReader(sql: Sql): SqlReader {
  return {
    seq: "seq",
    async all(query, args = []) {
      let n = 0;
      const text = query.replace(/\?/g, () => `$${++n}`);
      const rows = await sql.unsafe(text, args as never[]);
      return [...rows] as ReaderRow[];
    },
  };
}

/** The first row of a query, or an empty one. */
export async function one(
  reader: SqlReader,
  query: string,
  args: readonly SQLInputValue[] = [],
): Promise<ReaderRow> {
  return (await reader.all(query, args))[0] ?? {};
}

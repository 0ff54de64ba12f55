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
  readonly dialect: "sqlite" | "postgres";
}

/**
 * Single statements that both databases understand, for the stores whose
 * every change is one statement (no transaction to keep): the wizard, the
 * update log, dashboard links, group settings.
 */
export interface SqlRunner extends SqlReader {
  /** Runs a statement; returns the rows it changed. */
  run(query: string, args?: readonly SQLInputValue[]): Promise<number>;
}

/** The runner of an SQLite connection (each statement runs at once). */
export function sqliteReader(db: DatabaseSync): SqlRunner {
  return {
    seq: "rowid",
    dialect: "sqlite",
    all(query, args = []) {
      try {
        return Promise.resolve(db.prepare(query).all(...args));
      } catch (error) {
        return Promise.reject(error);
      }
    },
    run(query, args = []) {
      try {
        return Promise.resolve(Number(db.prepare(query).run(...args).changes));
      } catch (error) {
        return Promise.reject(error);
      }
    },
  };
}

/**
 * The runner of a PostgreSQL pool: `?` become `$1`, `$2`, …, except inside
 * quoted literals and identifiers (a `'?'` in a query stays a question
 * mark, as on SQLite, instead of taking a parameter's number).
 */
export function pgReader(sql: Sql): SqlRunner {
  const numbered = (query: string) => {
    let n = 0;
    return query.replace(
      /'[^']*'|"[^"]*"|\?/g,
      (match) => match === "?" ? `$${++n}` : match,
    );
  };
  return {
    seq: "seq",
    dialect: "postgres",
    async all(query, args = []) {
      const rows = await sql.unsafe(numbered(query), args as never[]);
      return [...rows] as ReaderRow[];
    },
    async run(query, args = []) {
      const result = await sql.unsafe(numbered(query), args as never[]);
      return result.count;
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

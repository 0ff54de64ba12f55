/**
 * The storage implementations under test, one factory each: SQLite always,
 * PostgreSQL when TEST_DATABASE_URL names a test cluster (tests/pg/mod.ts;
 * skipped with a message otherwise, failing under CI=true). A test
 * registered for each factory runs the same assertions on both databases.
 */

import { DatabaseSync } from "node:sqlite";
import postgres from "postgres";
import type { Clock } from "../lib/clock.ts";
import { migrate } from "../lib/db/mod.ts";
import { migratePg, PG_OPTIONS } from "../lib/db/pg/schema.ts";
import { type JobStore, PgJobStore, SqliteJobStore } from "../lib/jobs/mod.ts";
import { type Ledger, PgLedger, SqliteLedger } from "../lib/ledger/mod.ts";
import { freshDatabase, skipPgTests } from "./pg/mod.ts";

/** The stores of one database, with what tests read around them. */
export interface TestStores {
  readonly ledger: Ledger;
  readonly jobs: JobStore;
  /** A user's balances replayed from the journal alone. */
  replay(
    userId: number,
  ): Promise<{ tokens: number; held: number; spent: number }>;
  /** Runs raw SQL (to prove the database itself refuses a change). */
  exec(statement: string): Promise<void>;
  /** A second, independent set of stores on the same database. */
  again(): Promise<{ ledger: Ledger; jobs: JobStore }>;
  close(): Promise<void>;
}

/** Opens fresh stores of one kind. */
export interface StoreFactory {
  readonly name: "sqlite" | "postgres";
  /** True when this database is not available here. */
  readonly ignore: boolean;
  open(options: { clock: Clock; defaultTokens: number }): Promise<TestStores>;
}

const REPLAY = `SELECT COALESCE(SUM(amount), 0) AS tokens,
    COALESCE(SUM(held_delta), 0) AS held,
    COALESCE(SUM(CASE WHEN kind = 'capture' THEN -held_delta ELSE 0 END), 0)
      AS spent
  FROM journal WHERE user_id = `;

function figures(row: Record<string, unknown> | undefined) {
  return {
    tokens: Number(row?.tokens),
    held: Number(row?.held),
    spent: Number(row?.spent),
  };
}

const sqlite: StoreFactory = {
  name: "sqlite",
  ignore: false,
  open({ clock, defaultTokens }) {
    const db = new DatabaseSync(":memory:");
    migrate(db);
    const make = () => {
      const ledger = new SqliteLedger(db, { clock, defaultTokens });
      return { ledger, jobs: new SqliteJobStore(db, ledger.sync, clock) };
    };
    return Promise.resolve({
      ...make(),
      replay: (userId) =>
        Promise.resolve(figures(db.prepare(`${REPLAY} ?`).get(userId))),
      exec: (statement) => {
        try {
          return Promise.resolve(db.exec(statement));
        } catch (error) {
          return Promise.reject(error);
        }
      },
      again: () => Promise.resolve(make()),
      close: () => Promise.resolve(db.close()),
    });
  },
};

const pg: StoreFactory = {
  name: "postgres",
  ignore: skipPgTests(),
  async open({ clock, defaultTokens }) {
    const database = await freshDatabase();
    const connections: postgres.Sql[] = [];
    const connect = () => {
      const sql = postgres(database.url, { ...PG_OPTIONS, max: 4 });
      connections.push(sql);
      return sql;
    };
    const sql = connect();
    await migratePg(sql);
    const make = (on: postgres.Sql) => ({
      ledger: new PgLedger(on, { clock, defaultTokens }),
      jobs: new PgJobStore(on, clock),
    });
    return {
      ...make(sql),
      replay: async (userId) =>
        figures((await sql.unsafe(`${REPLAY} $1`, [userId]))[0]),
      exec: async (statement) => {
        await sql.unsafe(statement);
      },
      again: () => Promise.resolve(make(connect())),
      close: async () => {
        for (const c of connections) await c.end({ timeout: 5 });
        await database[Symbol.asyncDispose]();
      },
    };
  },
};

/** Every storage implementation, SQLite first. */
export const STORE_FACTORIES: readonly StoreFactory[] = [sqlite, pg];

/**
 * The database the e2e harness runs the bot on: TEST_STORE=postgres (with
 * TEST_DATABASE_URL) runs the same e2e tests on PostgreSQL.
 */
export function storeUnderTest(): "sqlite" | "postgres" {
  return Deno.env.get("TEST_STORE") === "postgres" ? "postgres" : "sqlite";
}

let sqliteOnlyNoted = false;

/**
 * Whether a test about the SQLite file itself (the old bot's balances.db,
 * `lora-bot backup`) is skipped: under TEST_STORE=postgres the bot has no
 * such file. Says why on stderr once.
 */
export function sqliteFileOnly(): boolean {
  if (storeUnderTest() !== "postgres") return false;
  if (!sqliteOnlyNoted) {
    sqliteOnlyNoted = true;
    Deno.stderr.writeSync(
      new TextEncoder().encode(
        "skipping the SQLite file's own tests (old balances.db, backup): " +
          "TEST_STORE=postgres\n",
      ),
    );
  }
  return true;
}

/**
 * `lora-bot migrate --to postgres|sqlite`: copies every table of the SQLite
 * file in DATA_DIR into the empty PostgreSQL database of DATABASE_URL, or
 * back into a new SQLite file, in one transaction; then runs `verify` on
 * both sides and compares every balance. A second run finds the target
 * holding the same ledger and changes nothing; a target holding anything
 * else is refused.
 *
 * @module
 */

import type { DatabaseSync, SQLInputValue } from "node:sqlite";
import postgres from "postgres";
import type { Config } from "../config/mod.ts";
import {
  migrate as migrateSqlite,
  openDatabase,
  SCHEMA_VERSION,
  schemaVersion,
  transaction,
} from "../db/mod.ts";
import { migratePg, PG_OPTIONS } from "../db/pg/schema.ts";
import { pgReader, sqliteReader, type SqlReader } from "../db/reader.ts";
import { touchPrivate } from "../host/mod.ts";
import { verifyLedger } from "../ledger/mod.ts";
import type { Print } from "./verify.ts";

/** Every table, parents before children (foreign keys). */
export const TABLES = [
  "balances",
  "journal",
  "jobs",
  "job_events",
  "wizard",
  "updates",
  "payments",
  "referrals",
  "blocked_users",
  "broadcasts",
  "broadcast_deliveries",
  "dashboard_links",
  "bans",
  "ban_audit",
  "group_settings",
] as const;

// Identity columns whose sequence follows the copied ids.
const IDENTITIES = [
  ["journal", "id"],
  ["job_events", "id"],
  ["payments", "id"],
  ["broadcasts", "id"],
  ["ban_audit", "id"],
] as const;

const STATS = "processing_stats.json";
const BATCH = 500;

type Row = Record<string, SQLInputValue>;

/** Runs the command; returns the exit code. */
export async function migrateCommand(
  config: Config,
  args: readonly string[],
  print: Print,
): Promise<number> {
  const to = args[0] === "--to" ? args[1] : undefined;
  if ((to !== "postgres" && to !== "sqlite") || args.length !== 2) {
    print("usage: lora-bot migrate --to postgres|sqlite");
    return 2;
  }
  if (config.databaseUrl === undefined) {
    print("migrate: set DATABASE_URL=postgres://… (the other side)");
    return 2;
  }
  const path = `${config.dataDir}/balances.db`;
  const sql = postgres(config.databaseUrl, { ...PG_OPTIONS, max: 1 });
  let db: DatabaseSync | undefined;
  try {
    await migratePg(sql);
    if (to === "sqlite") await touchPrivate(path);
    db = openDatabase(path);
    if (to === "sqlite") migrateSqlite(db);
    if (schemaVersion(db) < SCHEMA_VERSION) {
      print(`migrate: ${path} is older: start the bot once to upgrade it`);
      return 1;
    }
    const sqlite = sqliteReader(db);
    const pg = pgReader(sql);
    const [from, target] = to === "postgres" ? [sqlite, pg] : [pg, sqlite];
    const state = await compare(from, target);
    if (state === "different") {
      print(
        `migrate: the ${to} side already holds other data; nothing changed`,
      );
      return 1;
    }
    if (state === "empty") {
      const rows = to === "postgres"
        ? await toPostgres(db, sql, config.dataDir)
        : await toSqlite(db, sql, config.dataDir);
      print(`migrate: copied ${rows} rows to ${to}`);
    } else {
      print(`migrate: ${to} holds this ledger already; nothing to do`);
    }
    return await checkBoth(sqlite, pg, print);
  } catch (error) {
    print(`migrate: ${(error as Error).message}`);
    return 1;
  } finally {
    db?.close();
    await sql.end({ timeout: 5 });
  }
}

// "empty" target, "same" (a finished earlier run), or "different".
async function compare(
  from: SqlReader,
  target: SqlReader,
): Promise<"empty" | "same" | "different"> {
  const count = async (r: SqlReader) => {
    let n = 0;
    for (const table of TABLES) {
      const [row] = await r.all(`SELECT COUNT(*) AS n FROM ${table}`);
      n += Number(row?.n ?? 0);
    }
    return n;
  };
  const there = await count(target);
  if (there === 0) return "empty";
  const same = there === await count(from) &&
    JSON.stringify(await balances(from)) ===
      JSON.stringify(await balances(target));
  return same ? "same" : "different";
}

async function balances(r: SqlReader): Promise<string[]> {
  const rows = await r.all(
    "SELECT user_id, tokens, held, spent FROM balances ORDER BY user_id",
  );
  return rows.map((b) => `${b.user_id}:${b.tokens}/${b.held}/${b.spent}`);
}

async function toPostgres(
  db: DatabaseSync,
  sql: postgres.Sql,
  dataDir: string,
): Promise<number> {
  let copied = 0;
  await sql.begin(async (tx) => {
    for (const table of TABLES) {
      const order = table === "jobs" ? "rowid" : "1";
      const rows = db.prepare(`SELECT * FROM ${table} ORDER BY ${order}`)
        .all() as Row[];
      for (let i = 0; i < rows.length; i += BATCH) {
        const batch = rows.slice(i, i + BATCH);
        await tx`INSERT INTO ${tx(table)} ${tx(batch as never)}`;
      }
      copied += rows.length;
    }
    for (const [table, column] of IDENTITIES) {
      await tx.unsafe(
        `SELECT setval(pg_get_serial_sequence('${table}', '${column}'),
           COALESCE((SELECT MAX(${column}) FROM ${table}), 0) + 1, false)`,
      );
    }
    const stats = await Deno.readTextFile(`${dataDir}/${STATS}`)
      .catch(() => undefined);
    if (stats !== undefined) {
      await tx`INSERT INTO processing_stats (name, body)
        VALUES (${STATS}, ${stats})
        ON CONFLICT (name) DO UPDATE SET body = excluded.body`;
    }
  });
  return copied;
}

async function toSqlite(
  db: DatabaseSync,
  sql: postgres.Sql,
  dataDir: string,
): Promise<number> {
  // Read first, then write the file in one synchronous transaction.
  const tables: [string, Row[]][] = [];
  for (const table of TABLES) {
    const order = table === "jobs" ? "seq" : "1";
    const rows = await sql.unsafe(`SELECT * FROM ${table} ORDER BY ${order}`);
    tables.push([table, rows.map(({ seq: _, ...row }) => row as Row)]);
  }
  const copied = transaction(db, () => {
    let n = 0;
    for (const [table, rows] of tables) {
      for (const row of rows) {
        const columns = Object.keys(row);
        db.prepare(
          `INSERT INTO ${table} (${columns.join(", ")})
           VALUES (${columns.map(() => "?").join(", ")})`,
        ).run(...columns.map((c) => row[c] ?? null));
        n++;
      }
    }
    return n;
  });
  const [stats] = await sql`SELECT body FROM processing_stats
    WHERE name = ${STATS}`;
  if (stats !== undefined) {
    const path = `${dataDir}/${STATS}`;
    await touchPrivate(path);
    await Deno.writeTextFile(path, String(stats.body));
  }
  return copied;
}

// verify on both sides, then every balance compared.
async function checkBoth(
  sqlite: SqlReader,
  pg: SqlReader,
  print: Print,
): Promise<number> {
  const options = { now: Date.now(), holdTimeoutMs: 24 * 3_600_000 };
  for (
    const [name, reader] of [["sqlite", sqlite], ["postgres", pg]] as const
  ) {
    const report = await verifyLedger(reader, options);
    if (report.broken !== undefined) {
      print(`FAILED  ${name}: ${report.broken.rule}: ${report.broken.detail}`);
      return 1;
    }
    print(
      `ok      verify on ${name} (${report.figures.journalRows} journal rows)`,
    );
  }
  const [a, b] = [await balances(sqlite), await balances(pg)];
  if (JSON.stringify(a) !== JSON.stringify(b)) {
    print("FAILED  the balances of the two databases differ");
    return 1;
  }
  print(`ok      ${a.length} balances match`);
  return 0;
}

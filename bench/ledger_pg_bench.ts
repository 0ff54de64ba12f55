/**
 * Ledger throughput on PostgreSQL: hold + capture pairs per second through
 * PgLedger (one `sql.begin()` per movement, the account row locked first)
 * on a fresh database of the local test cluster, next to a baseline
 * measured in the same run (one bare one-row INSERT transaction on the same
 * connection), as bench/ledger_bench.ts does for SQLite.
 *
 * Usage: TEST_DATABASE_URL=postgres://… deno run -A bench/ledger_pg_bench.ts
 */

import postgres from "postgres";
import type { Clock } from "../lib/clock.ts";
import { migratePg, PG_OPTIONS } from "../lib/db/pg/schema.ts";
import { PgLedger } from "../lib/ledger/mod.ts";
import { freshDatabase } from "../tests/pg/mod.ts";
import { printReport } from "./common.ts";

const pairsArg = Deno.args.indexOf("--pairs");
const PAIRS = pairsArg >= 0 ? Number(Deno.args[pairsArg + 1]) : 500;
const clock: Clock = { now: () => Date.now(), sleep: () => Promise.resolve() };

await using database = await freshDatabase();
const sql = postgres(database.url, { ...PG_OPTIONS, max: 1 });
try {
  await migratePg(sql);
  await sql`CREATE TABLE t (id BIGSERIAL PRIMARY KEY, v BIGINT NOT NULL)`;
  let start = performance.now();
  for (let i = 0; i < PAIRS * 2; i++) {
    await sql.begin((tx) => tx`INSERT INTO t (v) VALUES (${i})`);
  }
  // Two transactions per pair, so the fair baseline is 2 inserts per pair.
  const base = PAIRS / ((performance.now() - start) / 1000);
  const ledger = new PgLedger(sql, { clock, defaultTokens: PAIRS * 10 });
  await ledger.ensureUser({ id: 1 });
  start = performance.now();
  for (let i = 0; i < PAIRS; i++) {
    await ledger.hold(1, 10, { idemKey: `hold:${i}`, jobId: String(i) });
    await ledger.capture(1, 10, { idemKey: `capture:${i}`, jobId: String(i) });
  }
  const pairs = PAIRS / ((performance.now() - start) / 1000);
  printReport("ledger_pg", {
    pairs: PAIRS,
    baselinePairsPerSecond: Math.round(base),
    ledgerPairsPerSecond: Math.round(pairs),
    ratio: Number((pairs / base).toFixed(2)),
  });
} finally {
  await sql.end({ timeout: 5 });
}

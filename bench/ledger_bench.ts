/**
 * Ledger throughput: hold + capture pairs per second on a real file with
 * `synchronous=FULL`, next to a baseline measured in the same run (one bare
 * INSERT per transaction on the same settings), so the ratio says what the
 * ledger's checks and journal cost over SQLite's own fsync floor.
 *
 * Usage: deno task bench [-- --pairs 500]
 */

import { DatabaseSync } from "node:sqlite";
import type { Clock } from "../lib/clock.ts";
import { migrate, openDatabase, transaction } from "../lib/db/mod.ts";
import { SqliteLedger } from "../lib/ledger/mod.ts";
import { printReport } from "./common.ts";

const pairsArg = Deno.args.indexOf("--pairs");
const PAIRS = pairsArg >= 0 ? Number(Deno.args[pairsArg + 1]) : 500;
const clock: Clock = { now: () => Date.now(), sleep: () => Promise.resolve() };

function baseline(path: string, n: number): number {
  const db = openDatabase(path);
  db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER NOT NULL)");
  const insert = db.prepare("INSERT INTO t (v) VALUES (?)");
  const start = performance.now();
  for (let i = 0; i < n; i++) transaction(db, () => insert.run(i));
  const seconds = (performance.now() - start) / 1000;
  db.close();
  return n / seconds;
}

async function ledgerPairs(path: string, n: number): Promise<number> {
  const db: DatabaseSync = openDatabase(path);
  migrate(db);
  const ledger = new SqliteLedger(db, { clock, defaultTokens: n * 10 });
  await ledger.ensureUser({ id: 1 });
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    await ledger.hold(1, 10, { idemKey: `hold:${i}`, jobId: String(i) });
    await ledger.capture(1, 10, { idemKey: `capture:${i}`, jobId: String(i) });
  }
  const seconds = (performance.now() - start) / 1000;
  db.close();
  return n / seconds;
}

const dir = await Deno.makeTempDir({ prefix: "lora-bench-" });
try {
  // Two transactions per pair, so the fair baseline is 2 inserts per pair.
  const base = baseline(`${dir}/base.db`, PAIRS * 2) / 2;
  const pairs = await ledgerPairs(`${dir}/ledger.db`, PAIRS);
  printReport("ledger", {
    pairs: PAIRS,
    baselinePairsPerSecond: Math.round(base),
    ledgerPairsPerSecond: Math.round(pairs),
    ratio: Number((pairs / base).toFixed(2)),
  });
} finally {
  await Deno.remove(dir, { recursive: true });
}

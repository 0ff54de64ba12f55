/**
 * Takeover time of active/passive leadership on PostgreSQL: two instances
 * (tests/pg/leader_child.ts, PgLeader with the production timings, each in
 * its own process) share a database; the active one is SIGKILLed and the
 * time until the standby reports active is measured. Baseline, same run:
 * the same hand-over after a clean stop (SIGTERM: the active instance
 * unlocks first), which costs only the standby's retry interval; the ratio
 * says what a kill adds. Also a hung active instance (SIGSTOP: its socket
 * stays open, the server ends its idle session). Goal: under 15 s.
 *
 * Uses TEST_DATABASE_URL when set, else starts the throwaway cluster of
 * tests/pg/cluster.sh and stops it at the end.
 *
 * Usage: deno task bench, or deno run … bench/takeover_bench.ts [-- --rounds 8]
 */

import { LEADER_TIMINGS } from "../lib/leader/mod.ts";
import { type StopSignal, takeover } from "../tests/pg/children.ts";
import { freshDatabase } from "../tests/pg/mod.ts";
import { msSummary, note, printReport, round } from "./common.ts";
import { ensureCluster } from "./pg_cluster.ts";

const roundsArg = Deno.args.indexOf("--rounds");
const ROUNDS = roundsArg >= 0 ? Number(Deno.args[roundsArg + 1]) : 8;
const GOAL_MS = 15_000;

/** One hand-over on a fresh database (see takeover()). */
async function handOver(signal: StopSignal): Promise<number> {
  await using db = await freshDatabase();
  return await takeover(db.url, signal);
}

const stopCluster = await ensureCluster();
try {
  const kill: number[] = [];
  const term: number[] = [];
  const stop: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    term.push(await handOver("SIGTERM"));
    kill.push(await handOver("SIGKILL"));
    // A hang costs idle_session_timeout (10 s): half the rounds suffice.
    if (i % 2 === 0) stop.push(await handOver("SIGSTOP"));
    note(
      `round ${i + 1}/${ROUNDS}: SIGTERM ${term.at(-1)} ms, ` +
        `SIGKILL ${kill.at(-1)} ms, SIGSTOP ${stop.at(-1)} ms`,
    );
  }
  const baseline = msSummary(term);
  const killed = msSummary(kill);
  const hung = msSummary(stop);
  printReport("takeover", {
    timings: LEADER_TIMINGS,
    rounds: ROUNDS,
    baselineCleanStop: baseline,
    sigkill: killed,
    sigstop: hung,
    ratioMean: round(killed.meanMs / baseline.meanMs, 2),
    ratioMeanSigstop: round(hung.meanMs / baseline.meanMs, 2),
    goalMs: GOAL_MS,
    met: killed.maxMs < GOAL_MS && hung.maxMs < GOAL_MS,
  });
} finally {
  await stopCluster();
}

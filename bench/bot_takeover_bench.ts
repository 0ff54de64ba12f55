/**
 * Takeover of the whole bot, not just of the lock (bench/takeover_bench.ts
 * measures that): two real bot processes (`main.ts start`) share a
 * database, the active one has a render in flight, and it is stopped. The
 * figure is the time from the signal until the other instance polls
 * Telegram again (users are answered again) and has resumed the job.
 * Baseline, same run: a clean stop (SIGTERM: the running job is let go and
 * the lock given up at once). Both on PostgreSQL (two data directories,
 * two machines) and on SQLite (one data directory, the lock file).
 * Goal: under 15 s.
 *
 * Usage: deno task bench, or deno run … bench/bot_takeover_bench.ts [-- --rounds 4]
 */

import { SAMPLE_JPEG } from "../tests/fixtures/media.ts";
import { startFleet } from "../tests/pg/bots.ts";
import { msSummary, note, printReport, round } from "./common.ts";
import { ensureCluster } from "./pg_cluster.ts";

const roundsArg = Deno.args.indexOf("--rounds");
const ROUNDS = roundsArg >= 0 ? Number(Deno.args[roundsArg + 1]) : 4;
const GOAL_MS = 15_000;
// Long enough that the render is still running when the work moves.
const RENDER_MS = 20_000;

/** Milliseconds from the signal to polling again and to the job resumed. */
interface HandOver {
  readonly polling: number;
  readonly resumed: number;
}

async function handOver(
  postgres: boolean,
  signal: "SIGTERM" | "SIGKILL",
): Promise<HandOver> {
  await using fleet = await startFleet({
    instances: 2,
    postgres,
    comfy: { renderMs: RENDER_MS },
  });
  await using a = fleet.spawn(0, "A");
  await a.waitForLine(/polling started/);
  await using b = fleet.spawn(1, "B");
  await b.waitForLine(/standby: another instance is active/);
  const user = fleet.telegram.user(5001, { first_name: "Bench" });
  fleet.telegram.sendPhoto(user, SAMPLE_JPEG);
  await fleet.comfy.waitForRequest({ timeoutMs: 30_000 });
  const at = Date.now();
  await a.stop(signal);
  const polling = await b.waitForLine(/polling started/, 30_000);
  const resumed = await b.waitForLine(/resuming unfinished jobs/, 30_000);
  return { polling: polling.at - at, resumed: resumed.at - at };
}

async function measure(postgres: boolean) {
  const term: HandOver[] = [];
  const kill: HandOver[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    term.push(await handOver(postgres, "SIGTERM"));
    kill.push(await handOver(postgres, "SIGKILL"));
    note(
      `${postgres ? "postgres" : "sqlite"} round ${i + 1}/${ROUNDS}: ` +
        `SIGTERM ${term.at(-1)?.polling} ms, SIGKILL ${
          kill.at(-1)?.polling
        } ms`,
    );
  }
  const baseline = msSummary(term.map((h) => h.polling));
  const killed = msSummary(kill.map((h) => h.polling));
  const resumed = msSummary(kill.map((h) => h.resumed));
  return {
    baselineCleanStopUntilPolling: baseline,
    sigkillUntilPolling: killed,
    sigkillUntilJobResumed: resumed,
    ratioMean: round(killed.meanMs / baseline.meanMs, 2),
    met: killed.maxMs < GOAL_MS && resumed.maxMs < GOAL_MS,
  };
}

const stopCluster = await ensureCluster();
try {
  printReport("bot takeover", {
    rounds: ROUNDS,
    renderMs: RENDER_MS,
    goalMs: GOAL_MS,
    postgres: await measure(true),
    sqlite: await measure(false),
  });
} finally {
  await stopCluster();
}

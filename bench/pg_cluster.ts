/**
 * The PostgreSQL a benchmark runs against: TEST_DATABASE_URL's cluster
 * when set, else the throwaway cluster of tests/pg/cluster.sh, started
 * here and stopped by the returned function (also on Ctrl-C).
 */

import { note } from "./common.ts";

const CLUSTER = new URL("../tests/pg/cluster.sh", import.meta.url).pathname;

async function cluster(command: string[]): Promise<string> {
  const out = await new Deno.Command("bash", {
    args: [CLUSTER, ...command],
    stderr: "null",
  }).output();
  if (!out.success) throw new Error(`cluster.sh ${command[0]} failed`);
  return new TextDecoder().decode(out.stdout);
}

/** Starts the throwaway cluster unless one is configured; returns a stop. */
export async function ensureCluster(): Promise<() => Promise<void>> {
  if (Deno.env.get("TEST_DATABASE_URL")) return () => Promise.resolve();
  note("starting a throwaway PostgreSQL (tests/pg/cluster.sh)");
  const exports = await cluster(["start"]);
  const vars = Object.fromEntries(
    [...exports.matchAll(/^export (\w+)='([^']*)'$/gm)].map((m) => [
      m[1],
      m[2],
    ]),
  );
  Deno.env.set("TEST_DATABASE_URL", vars.TEST_DATABASE_URL ?? "");
  const stop = async () =>
    void await cluster(["stop", vars.PG_CLUSTER_DIR ?? ""]);
  // Ctrl-C must not leave the cluster running (child processes stop by
  // themselves when this process's pipes close).
  Deno.addSignalListener("SIGINT", () => {
    stop().finally(() => Deno.exit(130));
  });
  return stop;
}

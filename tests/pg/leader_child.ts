/**
 * One bot instance's leadership in a process of its own, for the process
 * test and bench/takeover_bench.ts: runs PgLeader on DATABASE_URL and
 * prints one JSON line per event on stdout ({"event":"started"|"active"|
 * "standby"|"stopped", …}). It stops when its standard input closes (the
 * parent is gone) or on SIGTERM; LEADER_RETRY_MS and LEADER_CHECK_MS
 * override the default timings.
 */

import { PgLeader } from "../../lib/leader/mod.ts";

const encoder = new TextEncoder();
function emit(event: string, fields: Record<string, unknown> = {}): void {
  const line = JSON.stringify({
    event,
    pid: Deno.pid,
    at: Date.now(),
    ...fields,
  });
  Deno.stdout.writeSync(encoder.encode(line + "\n"));
}

function numberFromEnv(name: string): number | undefined {
  const value = Deno.env.get(name);
  return value === undefined ? undefined : Number(value);
}

const url = Deno.env.get("DATABASE_URL");
if (url === undefined) throw new Error("DATABASE_URL is required");
const retryMs = numberFromEnv("LEADER_RETRY_MS");
const checkMs = numberFromEnv("LEADER_CHECK_MS");
const leader = new PgLeader({
  url,
  ...(retryMs === undefined ? {} : { retryMs }),
  ...(checkMs === undefined ? {} : { checkMs }),
});

const stop = new AbortController();
Deno.addSignalListener("SIGTERM", () => stop.abort());
// Standard input closing means the parent died: never outlive it.
(async () => {
  for await (const _ of Deno.stdin.readable) { /* ignore input */ }
  stop.abort();
})();

emit("started");
await leader.run({
  onActive: () => emit("active"),
  onStandby: (reason) => emit("standby", { reason }),
}, stop.signal);
emit("stopped");
Deno.exit(0);

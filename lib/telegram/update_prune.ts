/**
 * Forgetting handled updates while the bot runs: the `updates` table gets
 * a row per update, and a bot that runs for months must not keep them all.
 * Pruned at start (app/mod.ts) and then every {@link PRUNE_INTERVAL_MS}.
 *
 * @module
 */

import type { Clock } from "../clock.ts";
import type { Logger } from "../log.ts";

/** How often handled updates older than a week are deleted. */
export const PRUNE_INTERVAL_MS = 3_600_000;

/** A running pruner. */
export interface Pruning {
  /** Stops the loop (waits for a round in progress). */
  stop(): Promise<void>;
}

/** Calls `prune` every `intervalMs` until stopped; failures are logged. */
export function startPruning(
  prune: () => number,
  deps: { readonly clock: Clock; readonly log: Logger; intervalMs?: number },
): Pruning {
  const stop = new AbortController();
  const interval = deps.intervalMs ?? PRUNE_INTERVAL_MS;
  const loop = (async () => {
    // Bounded by stop(): one round per interval for as long as the bot runs.
    for (let round = 0; round < Number.MAX_SAFE_INTEGER; round++) {
      try {
        await deps.clock.sleep(interval, stop.signal);
      } catch {
        return;
      }
      try {
        const pruned = prune();
        if (pruned > 0) deps.log.debug("pruned handled updates", { pruned });
      } catch (error) {
        // A locked database now is no reason to stop pruning later.
        deps.log.warn("cannot prune handled updates", { error });
      }
    }
  })();
  return {
    async stop() {
      stop.abort();
      await loop;
    },
  };
}

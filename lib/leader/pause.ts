/**
 * The wait between a leader's attempts and checks.
 *
 * @module
 */

import type { Clock } from "../clock.ts";

/** Waits `ms`; false when `signal` aborted the wait. */
export function pause(
  clock: Clock,
  ms: number,
  signal: AbortSignal,
): Promise<boolean> {
  return clock.sleep(ms, signal).then(() => true, () => false);
}

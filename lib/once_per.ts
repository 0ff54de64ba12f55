/**
 * "At most once per interval per key": the group hint and the banned
 * user's reply each say something at most once in a while, whatever the
 * flood. Remembers a bounded number of keys (the oldest forgotten first).
 *
 * @module
 */

import type { Clock } from "./clock.ts";

/** Keys remembered at once by default. */
export const MAX_KEYS = 10_000;

/**
 * A check that answers true for a key at most once per `intervalMs` (and
 * then starts its interval).
 */
export function oncePer(
  clock: Clock,
  intervalMs: number,
  maxKeys = MAX_KEYS,
): (key: number) => boolean {
  const last = new Map<number, number>();
  return (key) => {
    const now = clock.now();
    const at = last.get(key);
    if (at !== undefined && now - at < intervalMs) return false;
    // Deleted first so that the key moves to the newest end.
    last.delete(key);
    last.set(key, now);
    if (last.size > maxKeys) {
      const [oldest] = last.keys();
      if (oldest !== undefined) last.delete(oldest);
    }
    return true;
  };
}

/**
 * The leadership of a single instance (SQLite: one process owns the file).
 *
 * @module
 */

import type { Leader, LeaderHooks, Role } from "./types.ts";

/**
 * Always active (the no-op leadership): `run` calls `onActive` once and
 * waits for the signal; `onStandby` is never called.
 */
export class AlwaysLeader implements Leader {
  /** Always `active`: there is no other instance to defer to. */
  role(): Role {
    return "active";
  }

  /** Calls `onActive`, then resolves when `signal` aborts. */
  async run(hooks: LeaderHooks, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    await hooks.onActive();
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      signal.addEventListener("abort", () => resolve(), { once: true });
    });
  }
}

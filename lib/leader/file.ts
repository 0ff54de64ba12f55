/**
 * Leadership among processes on one machine sharing a data directory
 * (SQLite): the process holding an exclusive SQLite lock on a lock file is
 * active; the others try again every `retryMs`. A second `lora-bot start`
 * on the same DATA_DIR (by hand beside systemd, or the new version of a
 * rolling upgrade) thus waits as a standby instead of polling the same bot
 * and resuming the same jobs. The kernel releases the lock when the
 * holder dies in any way (SQLite's locks are POSIX record locks), so a
 * standby takes over at its next attempt. A local lock cannot be lost
 * while held: `onStandby` is never called.
 *
 * @module
 */

import { DatabaseSync } from "node:sqlite";
import { type Clock, systemClock } from "../clock.ts";
import { describeError, type Logger, silentLogger } from "../log.ts";
import { touchPrivate } from "../host/mod.ts";
import { pause } from "./pause.ts";
import type { Leader, LeaderHooks, Role } from "./types.ts";

/** The lock file's name in DATA_DIR. */
export const LOCK_FILE = "lora-bot.lock";

/** Options of {@link FileLeader}. */
export interface FileLeaderOptions {
  /** The lock file (created 0600 if missing; it holds nothing). */
  readonly path: string;
  readonly clock?: Clock;
  readonly log?: Logger;
  /** How often a standby tries to take the lock (default 2000 ms). */
  readonly retryMs?: number;
}

/** Leadership through an exclusive SQLite lock on a file. */
export class FileLeader implements Leader {
  readonly #o: FileLeaderOptions;
  readonly #clock: Clock;
  readonly #log: Logger;
  #role: Role = "standby";

  constructor(options: FileLeaderOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.#log = options.log ?? silentLogger;
  }

  /** `active` while this process holds the lock, else `standby`. */
  role(): Role {
    return this.#role;
  }

  /** See {@link Leader.run}. */
  async run(hooks: LeaderHooks, signal: AbortSignal): Promise<void> {
    // Made 0600 first, as every file in DATA_DIR: SQLite would use 0644.
    await touchPrivate(this.#o.path);
    const lock = await this.#acquire(hooks, signal);
    if (lock === undefined) return;
    try {
      this.#role = "active";
      this.#log.info("leader: active");
      await hooks.onActive();
      await new Promise<void>((resolve) => {
        if (signal.aborted) resolve();
        signal.addEventListener("abort", () => resolve(), { once: true });
      });
    } finally {
      this.#role = "standby";
      lock.close();
    }
  }

  /** Tries every `retryMs` until it holds the lock; undefined on abort. */
  async #acquire(
    hooks: LeaderHooks,
    signal: AbortSignal,
  ): Promise<DatabaseSync | undefined> {
    let failures = 0;
    while (!signal.aborted) {
      const lock = new DatabaseSync(this.#o.path, { timeout: 0 });
      try {
        // No -journal file beside it: the lock is all this file is for.
        lock.exec("PRAGMA journal_mode = MEMORY");
        // Held until the connection closes, or the process dies.
        lock.exec("BEGIN EXCLUSIVE");
        return lock;
      } catch (error) {
        lock.close();
        // "database is locked": another process is active. Anything else
        // (a read-only directory) is said once per outage.
        if (!isBusy(error) && failures++ === 0) {
          this.#log.warn("leader: cannot take the lock file", {
            error: describeError(error),
          });
        }
      }
      hooks.onWaiting?.();
      if (!await pause(this.#clock, this.#o.retryMs ?? 2_000, signal)) break;
    }
    return undefined;
  }
}

function isBusy(error: unknown): boolean {
  return error instanceof Error && /database is locked/.test(error.message);
}

/**
 * Active/passive leadership over PostgreSQL: the instance whose dedicated
 * session holds a session-level advisory lock is active; the others try
 * again every `retryMs`.
 *
 * What bounds a takeover after the active instance dies:
 * - its process dies (crash, SIGKILL, OOM kill): the kernel closes its
 *   socket, its backend sees end-of-file and exits, which releases the
 *   lock at once; a standby gets it at its next attempt, within `retryMs`
 *   (2 s) plus one round trip;
 * - its machine or network dies silently: the server's TCP keepalives set
 *   on the session (see connection.ts) end the backend within 10 s of the
 *   last exchange, so the takeover is within 10 s + `retryMs` = 12 s;
 * - it hangs (frozen VM, SIGSTOP, an event loop blocked): the server ends a
 *   session idle for 10 s (idle_session_timeout), again within 12 s. When
 *   it wakes up it finds its connection closed and steps down.
 * Both stay under the 15 s the bot promises. The active instance itself
 * checks its lock every `checkMs` (2 s) with a `timeoutMs` (3 s) limit, so
 * when it is cut off it steps down within 5 s of the last exchange, before
 * the server can free the lock (10 s): two instances are not active at once
 * unless a clock or a network misbehaves beyond these margins.
 *
 * @module
 */

import { type Clock, systemClock } from "../clock.ts";
import { describeError, type Logger, silentLogger } from "../log.ts";
import { LockConnection } from "./connection.ts";
import { pause } from "./pause.ts";
import type { Leader, LeaderHooks, Role, StepDownReason } from "./types.ts";

/** The advisory lock key of lora-bot's leadership ("lora" in ASCII). */
export const LEADER_LOCK_KEY = 0x6c6f7261;

/** Default timings, in milliseconds (see the module's comment). */
export const LEADER_TIMINGS = {
  retryMs: 2_000,
  checkMs: 2_000,
  timeoutMs: 3_000,
} as const;

/** Options of {@link PgLeader}. */
export interface PgLeaderOptions {
  /** The database (`postgres://…`); never logged. */
  readonly url: string;
  readonly clock?: Clock;
  readonly log?: Logger;
  /** The lock key, an integer in [0, 2^31): one per bot sharing a database. */
  readonly key?: number;
  /** How often a standby tries to take the lock. */
  readonly retryMs?: number;
  /** How often the active instance checks that it still holds it. */
  readonly checkMs?: number;
  /** The longest a lock query (or connecting) may take. */
  readonly timeoutMs?: number;
}

/** Leadership through `pg_try_advisory_lock` on a dedicated session. */
export class PgLeader implements Leader {
  readonly #url: string;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #key: number;
  readonly #retryMs: number;
  readonly #checkMs: number;
  readonly #timeoutMs: number;
  #role: Role = "standby";

  constructor(options: PgLeaderOptions) {
    const key = options.key ?? LEADER_LOCK_KEY;
    if (!Number.isInteger(key) || key < 0 || key >= 2 ** 31) {
      throw new RangeError(`Leader lock key must be in [0, 2^31): ${key}`);
    }
    this.#url = options.url;
    this.#clock = options.clock ?? systemClock;
    this.#log = options.log ?? silentLogger;
    this.#key = key;
    this.#retryMs = options.retryMs ?? LEADER_TIMINGS.retryMs;
    this.#checkMs = options.checkMs ?? LEADER_TIMINGS.checkMs;
    this.#timeoutMs = options.timeoutMs ?? LEADER_TIMINGS.timeoutMs;
  }

  /** `active` while this instance holds the lock, else `standby`. */
  role(): Role {
    return this.#role;
  }

  /** See {@link Leader.run}. */
  async run(hooks: LeaderHooks, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const conn = await this.#acquire(hooks, signal);
      if (conn === undefined) return;
      let reason: StepDownReason | undefined;
      this.#role = "active";
      this.#log.info("leader: active");
      // Watch from the start: a slow onActive must not leave the session
      // idle long enough for the server to end it.
      const local = new AbortController();
      const watching = this.#watch(
        conn,
        AbortSignal.any([signal, local.signal]),
      );
      try {
        await hooks.onActive();
        reason = await watching;
      } finally {
        local.abort();
        await watching;
        this.#role = "standby";
        // On a shutdown unlock first, so a standby need not wait for the
        // backend to notice; on a loss the session is gone or suspect.
        if (reason === undefined) await conn.release(this.#key);
        else await conn.close();
      }
      if (reason === undefined) return;
      this.#log.warn("leader: stepped down", { reason });
      await hooks.onStandby(reason);
      // Sit out two attempts: an instance that has been waiting all along
      // (trying every retryMs) gets the lock rather than the one whose
      // session just failed.
      if (!await pause(this.#clock, 2 * this.#retryMs, signal)) return;
    }
  }

  /** Tries every `retryMs` until it holds the lock; undefined on abort. */
  async #acquire(
    hooks: LeaderHooks,
    signal: AbortSignal,
  ): Promise<LockConnection | undefined> {
    let conn: LockConnection | undefined;
    let failures = 0;
    while (!signal.aborted) {
      if (conn === undefined || conn.isClosed) {
        await conn?.close();
        conn = this.#open();
      }
      try {
        if (await conn.tryLock(this.#key)) {
          if (!signal.aborted) return conn;
          break;
        }
        failures = 0;
      } catch (error) {
        // Logged once per outage: a standby retries every few seconds.
        if (failures++ === 0) {
          this.#log.warn("leader: cannot reach PostgreSQL", {
            error: describeError(error),
          });
        }
        await conn.close();
      }
      hooks.onWaiting?.();
      if (!await pause(this.#clock, this.#retryMs, signal)) break;
    }
    await conn?.release(this.#key);
    return undefined;
  }

  /** Resolves with why leadership was lost, or undefined on abort. */
  async #watch(
    conn: LockConnection,
    signal: AbortSignal,
  ): Promise<StepDownReason | undefined> {
    const wake = AbortSignal.any([signal, conn.closed]);
    while (true) {
      await pause(this.#clock, this.#checkMs, wake);
      if (signal.aborted) return undefined;
      if (conn.closed.aborted) return "connection-closed";
      try {
        if (!await conn.holds(this.#key)) return "lock-lost";
      } catch {
        return conn.isClosed ? "connection-closed" : "connection-lost";
      }
    }
  }

  #open(): LockConnection {
    return LockConnection.open({
      url: this.#url,
      clock: this.#clock,
      timeoutMs: this.#timeoutMs,
    });
  }
}

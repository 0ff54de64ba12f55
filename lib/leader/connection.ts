/**
 * The leader's dedicated PostgreSQL session: one connection that is never
 * pooled, recycled or reconnected behind our back, since a session-level
 * advisory lock lives exactly as long as the backend that took it.
 *
 * @module
 */

import postgres from "postgres";
import type { Clock } from "../clock.ts";

/** A query on the leader's connection did not answer in time. */
export class LeaderTimeoutError extends Error {
  /** How long it waited, in milliseconds. */
  readonly timeoutMs: number;

  constructor(timeoutMs: number) {
    super(`PostgreSQL did not answer within ${timeoutMs} ms`);
    this.name = "LeaderTimeoutError";
    this.timeoutMs = timeoutMs;
  }
}

/**
 * Server-side TCP settings of the session, sent in the startup packet so
 * that they hold whatever postgresql.conf says: when the leader's machine
 * dies without closing its socket (power, kernel panic, network cut), the
 * server probes after 4 s of silence, every 2 s, and gives up after 3
 * unanswered probes (4 + 3 × 2 = 10 s); tcp_user_timeout ends the session
 * when sent data stays unacknowledged for 10 s (keepalives are not sent
 * while data is in flight). The backend then exits and the lock is free.
 * (A process that dies, even by SIGKILL, closes its socket through the
 * kernel: the backend sees end-of-file and exits at once.)
 * idle_session_timeout (PostgreSQL 14+) covers an instance that is alive
 * but stuck (a frozen VM, SIGSTOP, a blocked event loop): its session is
 * ended after 10 s without a query, while a healthy one queries every
 * `checkMs` (a standby every `retryMs`).
 */
const SESSION_SETTINGS = {
  application_name: "lora-bot leader",
  idle_session_timeout: 10_000,
  tcp_keepalives_idle: 4,
  tcp_keepalives_interval: 2,
  tcp_keepalives_count: 3,
  tcp_user_timeout: 10_000,
} as const;

/** Options of {@link LockConnection.open}. */
export interface LockConnectionOptions {
  readonly url: string;
  readonly clock: Clock;
  /** The longest any query may take, connecting included. */
  readonly timeoutMs: number;
}

/** One PostgreSQL session holding (or trying for) one advisory lock. */
export class LockConnection {
  readonly #sql: postgres.Sql;
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  readonly #closed = new AbortController();
  #isClosed = false;

  private constructor(options: LockConnectionOptions) {
    this.#clock = options.clock;
    this.#timeoutMs = options.timeoutMs;
    this.#sql = postgres(options.url, {
      max: 1,
      // Never close or recycle the connection on our behalf.
      idle_timeout: 0,
      max_lifetime: null,
      connect_timeout: Math.max(1, Math.ceil(options.timeoutMs / 1000)),
      keep_alive: SESSION_SETTINGS.tcp_keepalives_idle,
      fetch_types: false,
      prepare: false,
      onnotice: () => {},
      onclose: () => {
        this.#isClosed = true;
        this.#closed.abort();
      },
      connection: SESSION_SETTINGS,
    });
  }

  /** A new session (it connects on the first query). */
  static open(options: LockConnectionOptions): LockConnection {
    return new LockConnection(options);
  }

  /**
   * Aborted when the driver reports the connection closed (a signal, not a
   * promise: the leader waits on it every few seconds for days, and each
   * `then` on a pending promise would be kept until it settles).
   */
  get closed(): AbortSignal {
    return this.#closed.signal;
  }

  /** Whether the connection has closed since it was opened. */
  get isClosed(): boolean {
    return this.#isClosed;
  }

  /** `pg_try_advisory_lock(key)`: whether this session now holds it. */
  async tryLock(key: number): Promise<boolean> {
    const rows = await this.#query(
      `select pg_try_advisory_lock(${key}::bigint) as got`,
    );
    return rows[0]?.got === true;
  }

  /**
   * Whether this very backend still holds the lock: a connection the driver
   * reopened would be a new backend holding nothing.
   */
  async holds(key: number): Promise<boolean> {
    const rows = await this.#query(
      `select exists(select 1 from pg_locks where locktype = 'advisory'
         and pid = pg_backend_pid() and granted and database = (select oid
         from pg_database where datname = current_database())
         and classid = 0 and objid = ${key} and objsubid = 1) as held`,
    );
    return rows[0]?.held === true;
  }

  /** Unlocks (best effort) and closes the session. */
  async release(key: number): Promise<void> {
    if (!this.#isClosed) {
      await this.#query(`select pg_advisory_unlock(${key}::bigint)`)
        .catch(() => {});
    }
    await this.close();
  }

  /** Closes the session at once; pending queries fail. */
  async close(): Promise<void> {
    this.#isClosed = true;
    await this.#sql.end({ timeout: 0 }).catch(() => {});
  }

  async #query(text: string): Promise<readonly Record<string, unknown>[]> {
    const stop = new AbortController();
    const query = this.#sql.unsafe(text).then((rows) => [...rows]);
    const late = this.#clock.sleep(this.#timeoutMs, stop.signal).then(
      () => Promise.reject(new LeaderTimeoutError(this.#timeoutMs)),
      () => new Promise<never>(() => {}),
    );
    // A query that loses the race still settles later: keep it handled.
    query.catch(() => {});
    try {
      return await Promise.race([query, late]);
    } finally {
      stop.abort();
    }
  }
}

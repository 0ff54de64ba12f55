/**
 * What the rest of the bot sees of leadership: a role, and two callbacks.
 *
 * @module
 */

/** `active`: this instance polls Telegram and runs jobs; `standby`: waits. */
export type Role = "active" | "standby";

/** Why an active instance stepped down. */
export type StepDownReason =
  /** The dedicated connection closed (network, server restart, terminated). */
  | "connection-closed"
  /** The keepalive query failed or did not answer in time. */
  | "connection-lost"
  /** The session no longer holds the lock (a new backend, or unlocked). */
  | "lock-lost";

/** What the app does when its role changes. */
export interface LeaderHooks {
  /** Became active: start polling Telegram (or accepting webhooks) and jobs. */
  onActive(): void | Promise<void>;
  /**
   * Lost leadership while active: stop polling and jobs at once, another
   * instance may be active already. Not called on a shutdown through the
   * signal given to {@link Leader.run}.
   */
  onStandby(reason: StepDownReason): void | Promise<void>;
  /**
   * An attempt to become active failed: another instance holds the
   * leadership, or the database did not answer. Called after every failed
   * attempt while waiting (every few seconds); never by a single instance.
   */
  onWaiting?(): void;
}

/** Active/passive leadership among instances sharing one database. */
export interface Leader {
  /** The role now (for /healthz and /metrics). */
  role(): Role;
  /**
   * Waits to become active, calls `onActive`, watches, calls `onStandby`
   * when leadership is lost and goes back to waiting; resolves once
   * `signal` aborts, having given the leadership up (so that a standby
   * takes over at its next attempt rather than after a timeout). Rejects
   * with a hook's error, having given the leadership up first.
   */
  run(hooks: LeaderHooks, signal: AbortSignal): Promise<void>;
}

/**
 * Runs the app's duty (duty.ts) under a {@link Leader}: started when this
 * instance becomes active, stopped when it shuts down or loses the
 * leadership. A lost leadership ends the process's run (the caller exits
 * non-zero and systemd starts it again, as a standby): after losing, this
 * process's jobs, pace and memory may already be stale, and a fresh start
 * is the one path that is tested. Leader election clients commonly do the
 * same (client-go's leaderelection exits on OnStoppedLeading).
 *
 * @module
 */

import type { Leader, Role, StepDownReason } from "../leader/mod.ts";
import type { Logger } from "../log.ts";
import type { Receiving } from "./transport.ts";

/** This instance lost the leadership while active; it must restart. */
export class LeadershipLostError extends Error {
  readonly reason: StepDownReason;

  constructor(reason: StepDownReason) {
    super(`Lost the leadership (${reason}): restarting as a standby`);
    this.name = "LeadershipLostError";
    this.reason = reason;
  }
}

/** What the active instance does (duty.ts's Duty). */
export interface ActiveWork {
  start(): Promise<Receiving>;
  stop(graceMs: number): Promise<void>;
}

/** A running leadership; see {@link lead}. */
export interface Leadership {
  /** The role now. */
  role(): Role;
  /**
   * Resolves once this instance is active with its duty started, or has
   * found another instance active (it then waits as a standby); rejects
   * when the first start failed, the duty stopped again.
   */
  readonly ready: Promise<void>;
  /**
   * Resolves when updates stop being taken (polling ended, or stop());
   * rejects on a lost leadership ({@link LeadershipLostError}), a failed
   * takeover, or a fatal polling error.
   */
  readonly ended: Promise<void>;
  /** Resolves once this instance is active with its duty started. */
  readonly active: Promise<void>;
  /**
   * Stops the duty, jobs given `graceMs`, and only then gives the
   * leadership up: a standby must not resume a job this instance still
   * sends. Twice: once.
   */
  stop(): Promise<void>;
}

/** Starts `leader.run` with `duty` as what the active instance does. */
export function lead(
  leader: Leader,
  duty: ActiveWork,
  options: { readonly log: Logger; readonly graceMs: number },
): Leadership {
  const abort = new AbortController();
  const ended = Promise.withResolvers<void>();
  const ready = Promise.withResolvers<void>();
  const active = Promise.withResolvers<void>();
  // Only the caller's stop() may end the run quietly.
  ended.promise.catch(() => {});
  let stopping: Promise<void> | undefined;
  let activation: Promise<void> | undefined;
  const running = leader.run({
    onActive: () => {
      if (stopping !== undefined) return;
      activation = duty.start().then((receiving) => {
        receiving.polling.then(ended.resolve, ended.reject);
        ready.resolve();
        active.resolve();
      });
      return activation;
    },
    onStandby: async (reason) => {
      // No second term: this process exits and comes back as a standby.
      abort.abort();
      options.log.error("lost the leadership: stopping at once", { reason });
      // Before the duty stops: polling that ends then is no clean end.
      ended.reject(new LeadershipLostError(reason));
      await duty.stop(0);
    },
    // Another instance is active (or the lock could not be asked for):
    // this one is a standby, ready as such.
    onWaiting: () => ready.resolve(),
  }, abort.signal);
  running.catch(async (error) => {
    // A start that failed: the leadership is given up already. The caller
    // closes the database once `ready` rejects, so the duty stops first.
    ended.reject(error);
    await duty.stop(0).catch((stopError) =>
      options.log.error("cannot stop after a failed start", {
        error: stopError,
      })
    );
    ready.reject(error);
  });
  return {
    role: () => leader.role(),
    ready: ready.promise,
    ended: ended.promise,
    active: active.promise,
    stop() {
      stopping ??= (async () => {
        await activation?.catch(() => {});
        await duty.stop(options.graceMs);
        abort.abort();
        await running.catch(() => {});
        ended.resolve();
      })();
      return stopping;
    },
  };
}

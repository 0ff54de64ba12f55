/**
 * What only the active instance does: take updates, run and resume jobs,
 * resume broadcasts, check the render servers, raise alerts, prune handled
 * updates. It starts when the instance takes the leadership (at once for a
 * single instance on SQLite) and stops when it gives it up or shuts down.
 * A standby builds the same parts and serves HTTP, but starts none of this:
 * two instances must never run the same job or poll the same bot.
 *
 * @module
 */

import type { Bot } from "grammy";
import { type BotContext, registerCommands } from "../bot/mod.ts";
import type { VideoSpool } from "../comfy/mod.ts";
import type { JobRunner } from "../jobs/mod.ts";
import type { Broadcaster } from "../broadcast/mod.ts";
import { type Pruning, startPruning } from "../telegram/mod.ts";
import type { Backends } from "./backends.ts";
import type { Alerts } from "./alerts.ts";
import type { Base } from "./parts.ts";
import type { Receiving, Transport } from "./transport.ts";

/** The built parts a {@link Duty} starts and stops. */
export interface DutyParts {
  readonly bot: Bot<BotContext>;
  readonly runner: JobRunner;
  readonly backends: Backends | undefined;
  readonly broadcaster: Broadcaster;
  readonly alerts: Alerts | undefined;
  readonly spool: VideoSpool;
  readonly transport: Transport;
}

/** The active instance's work; see the module documentation. */
export class Duty {
  readonly #base: Base;
  readonly #parts: DutyParts;
  #pruning: Pruning | undefined;
  #stopping: Promise<void> | undefined;

  constructor(base: Base, parts: DutyParts) {
    this.#base = base;
    this.#parts = parts;
  }

  /**
   * Starts the work, picking up what the previous active instance (or
   * this one's previous run) left: the same steps as a restart.
   */
  async start(): Promise<Receiving> {
    const { config, log, clock, updates, times } = this.#base;
    const { bot, runner, backends, broadcaster, spool } = this.#parts;
    // As the previous active instance left it, not as it was when this
    // one started.
    await times.reload();
    // Before any job runs: a resumed job writes its video there.
    const swept = await spool.sweep();
    if (swept > 0) log.info("removed videos left by a previous run", { swept });
    backends?.pool.start();
    const resumed = await runner.resume();
    const broadcasts = await broadcaster.resume();
    if (broadcasts > 0) log.info("resuming broadcasts", { count: broadcasts });
    if (resumed > 0) log.info("resuming unfinished jobs", { count: resumed });
    await registerCommands(bot.api, config.adminUserIds, log, {
      payments: config.tokenPacks.length > 0,
    });
    const receiving = await this.#parts.transport.receive();
    this.#parts.alerts?.start();
    // Pruned at start (openBase), then hourly while the bot runs.
    this.#pruning = startPruning(() => updates.prune(), { clock, log });
    return receiving;
  }

  /**
   * Stops in order: no new updates (and the HTTP server closes), running
   * jobs get `graceMs` to finish, then the rest. Safe before start() and
   * twice: it stops once.
   */
  stop(graceMs: number): Promise<void> {
    const { transport, runner, broadcaster, backends, alerts } = this.#parts;
    this.#stopping ??= (async () => {
      await transport.close();
      await runner.stop(graceMs);
      await broadcaster.stop();
      await backends?.pool.stop();
      await alerts?.stop();
      await this.#pruning?.stop();
    })();
    return this.#stopping;
  }
}

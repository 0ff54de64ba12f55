/**
 * The running bot: opens the data directory, upgrades the database, wires
 * the ledger, ComfyUI client, job runner and Telegram bot, and stops them
 * in order. `main.ts`, the demo and the end-to-end tests all start it here.
 * How updates come in (polling, webhook, the HTTP server) is transport.ts.
 *
 * @module
 */

import type { Bot } from "grammy";
import type { DatabaseSync } from "node:sqlite";
import { type BotContext, registerCommands } from "../bot/mod.ts";
import { type Backends } from "./backends.ts";
import type { Config } from "../config/mod.ts";
import { type Receiving, startTransport, type Transport } from "./transport.ts";
import { Metrics } from "../http/mod.ts";
import { Later } from "./later.ts";
import { JobRunner } from "../jobs/mod.ts";
import type { JobStore } from "../jobs/mod.ts";
import type { Ledger } from "../ledger/mod.ts";
import { startPruning } from "../telegram/mod.ts";
import { Broadcaster } from "../broadcast/mod.ts";
import type { DashboardAccess } from "./dashboard.ts";
import { type Alerts, startAlerts } from "./alerts.ts";

import {
  type AppDeps,
  backendsOf,
  type Base,
  botOf,
  type Cycles,
  dashboardOf,
  openBase,
  runnerOf,
  tuneApi,
} from "./parts.ts";
/** A started bot. */
export interface App {
  readonly bot: Bot<BotContext>;
  readonly runner: JobRunner;
  readonly ledger: Ledger;
  readonly jobs: JobStore;
  /** The SQLite file (tests); throws when the app runs on PostgreSQL. */
  readonly db: DatabaseSync;
  readonly metrics: Metrics;
  /** The port of the HTTP server, when it runs (HTTP_PORT, webhook mode). */
  readonly httpPort: number | undefined;
  /** Resolves when the bot stops taking updates (polling ends, or stop()). */
  readonly polling: Promise<void>;
  /** Stops polling, lets jobs finish within the grace period, closes the DB. */
  stop(): Promise<void>;
  /**
   * Resolves once the update with this id, stored when it arrived, has
   * been handled (tests: Telegram is told of an update before that).
   */
  handled(updateId: number): Promise<void>;
}

/** Starts the bot with long polling, or in webhook mode with WEBHOOK_URL. */
export async function startApp(config: Config, deps: AppDeps): Promise<App> {
  const base = await openBase(config, deps);
  const { store, log, clock } = base;
  const later: Cycles = {
    runner: new Later("the job runner"),
    pool: new Later("the server pool"),
    broadcaster: new Later("the broadcaster"),
    httpPort: new Later("the HTTP port"),
  };
  const dashboard = await dashboardOf(base, later);
  const bot = botOf(base, later, dashboard);
  tuneApi(bot, base);
  try {
    await bot.init();
  } catch (error) {
    await store.close();
    throw error;
  }
  const alerts = startAlerts(config, {
    api: bot.api,
    reports: store.reports,
    ledger: store.ledger,
    clock,
    log,
    serverError: (name) =>
      later.pool.get()?.status().find((s) => s.name === name)?.lastError,
  });
  const { spool, backends } = await backendsOf(base, alerts);
  if (backends) later.pool.set(backends.pool);
  base.metrics.servers = () => backends?.pool.status() ?? [];
  const runner = await runnerOf(base, { bot, backends, spool, alerts });
  later.runner.set(runner);
  backends?.pool.start();
  const resumed = await runner.resume();
  const broadcaster = new Broadcaster({
    store: store.broadcasts,
    api: bot.api,
    ledger: store.ledger,
    clock,
    log,
    progressIntervalMs: config.progressIntervalMs,
  });
  later.broadcaster.set(broadcaster);
  const broadcasts = await broadcaster.resume();
  if (broadcasts > 0) log.info("resuming broadcasts", { count: broadcasts });
  if (resumed > 0) log.info("resuming unfinished jobs", { count: resumed });
  await registerCommands(bot.api, config.adminUserIds, log, {
    payments: config.tokenPacks.length > 0,
  });
  const parts = { bot, runner, backends, broadcaster, alerts };
  const { transport, receiving } = await receive(base, parts, {
    dashboard,
    httpPort: later.httpPort,
  });
  alerts?.start();
  // Pruned at start (openBase), then hourly while the bot runs.
  const pruning = startPruning(() => base.updates.prune(), { clock, log });
  return {
    bot,
    runner,
    ledger: store.ledger,
    jobs: store.jobs,
    get db(): DatabaseSync {
      if (store.db === undefined) {
        throw new Error("no SQLite file: the app runs on PostgreSQL");
      }
      return store.db;
    },
    metrics: base.metrics,
    httpPort: transport.httpPort,
    polling: receiving.polling,
    stop: stopper(base, { ...parts, transport, pruning }),
    handled: (updateId) => transport.handled(updateId),
  };
}

// The parts that run once started, stopped in one place.
interface Running {
  readonly bot: Bot<BotContext>;
  readonly runner: JobRunner;
  readonly backends: Backends | undefined;
  readonly broadcaster: Broadcaster;
  readonly alerts: Alerts | undefined;
}

// Resumed jobs already run: if the HTTP server cannot listen (the port is
// taken) or the webhook cannot be set, they stop and the database closes
// before the error goes up.
async function receive(
  base: Base,
  parts: Running,
  http: {
    dashboard: DashboardAccess | undefined;
    httpPort: Later<number>;
  },
): Promise<{ transport: Transport; receiving: Receiving }> {
  const { config, deps, store } = base;
  try {
    const transport = startTransport(config, {
      bot: parts.bot,
      reports: store.reports,
      updates: base.updates,
      metrics: base.metrics,
      pool: parts.backends?.pool,
      dashboard: http.dashboard?.routes,
      clock: base.clock,
      log: base.log,
      fetch: deps.fetch,
    });
    if (transport.httpPort !== undefined) {
      http.httpPort.set(transport.httpPort);
    }
    return { transport, receiving: await transport.receive() };
  } catch (error) {
    await parts.runner.stop(0);
    await parts.backends?.pool.stop();
    await store.close();
    throw error;
  }
}

// Stops in order: no new updates, running jobs finish within the grace
// period, then the rest; called twice, it stops once.
function stopper(
  base: Base,
  parts: Running & {
    transport: Transport;
    pruning: { stop(): Promise<void> };
  },
): () => Promise<void> {
  const { config, store, log } = base;
  let stopping: Promise<void> | undefined;
  return () => {
    stopping ??= (async () => {
      log.info("stopping: no new updates, waiting for running jobs");
      await parts.transport.close();
      await parts.runner.stop(config.shutdownGraceMs);
      await parts.broadcaster.stop();
      await parts.backends?.pool.stop();
      await parts.alerts?.stop();
      await parts.pruning.stop();
      await store.close();
      log.info("stopped");
    })();
    return stopping;
  };
}
export { createBackends } from "./backends.ts";
export type { AppDeps } from "./parts.ts";

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
import type { BotContext } from "../bot/mod.ts";
import { type Backends } from "./backends.ts";
import type { Config } from "../config/mod.ts";
import { startTransport, type Transport } from "./transport.ts";
import { Metrics } from "../http/mod.ts";
import { Later } from "./later.ts";
import { JobRunner } from "../jobs/mod.ts";
import type { JobStore } from "../jobs/mod.ts";
import type { Ledger } from "../ledger/mod.ts";
import { createLeader, type Role } from "../leader/mod.ts";
import { Broadcaster } from "../broadcast/mod.ts";
import type { DashboardAccess } from "./dashboard.ts";
import { startAlerts } from "./alerts.ts";
import { Duty } from "./duty.ts";
import { lead, type Leadership } from "./leadership.ts";

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
  /**
   * Resolves when the bot stops taking updates (polling ends, or stop());
   * rejects when this instance lost the leadership (LeadershipLostError:
   * exit and start again as a standby) or could not take over.
   */
  readonly polling: Promise<void>;
  /** `active`, or `standby` while another instance is active. */
  role(): Role;
  /** Resolves once this instance is active (tests of takeovers). */
  readonly active: Promise<void>;
  /**
   * Stops polling, lets jobs finish within the grace period, then gives
   * the leadership up and closes the DB.
   */
  stop(): Promise<void>;
  /**
   * Resolves once the update with this id, stored when it arrived, has
   * been handled (tests: Telegram is told of an update before that).
   */
  handled(updateId: number): Promise<void>;
}

/**
 * Starts the bot with long polling, or in webhook mode with WEBHOOK_URL.
 * It may find another instance active on the same database (PostgreSQL)
 * or data directory (SQLite): it then resolves as a standby (HTTP served,
 * no updates taken) and takes over when that one dies or stops
 * (lib/leader/, duty.ts).
 */
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
  const leader = createLeader(config.databaseUrl, {
    clock,
    log,
    dataDir: config.dataDir,
  });
  base.metrics.role = () => leader.role();
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
  const broadcaster = new Broadcaster({
    store: store.broadcasts,
    api: bot.api,
    ledger: store.ledger,
    clock,
    log,
    progressIntervalMs: config.progressIntervalMs,
  });
  later.broadcaster.set(broadcaster);
  const parts = { bot, runner, backends, broadcaster, alerts, spool };
  const transport = await serve(base, parts, {
    dashboard,
    httpPort: later.httpPort,
    role: () => leader.role(),
  });
  const duty = new Duty(base, { ...parts, transport });
  const leadership = lead(leader, duty, {
    log,
    graceMs: config.shutdownGraceMs,
  });
  try {
    await leadership.ready;
  } catch (error) {
    await store.close();
    throw error;
  }
  if (leadership.role() === "standby") {
    log.info("standby: another instance is active; waiting to take over");
  }
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
    polling: leadership.ended,
    role: () => leadership.role(),
    active: leadership.active,
    stop: stopper(base, leadership),
    handled: (updateId) => transport.handled(updateId),
  };
}

// The HTTP server listens from the start, on a standby too (/healthz,
// /metrics, the dashboard); if it cannot (the port is taken), the database
// closes before the error goes up (nothing else has started yet).
async function serve(
  base: Base,
  parts: { bot: Bot<BotContext>; backends: Backends | undefined },
  http: {
    dashboard: DashboardAccess | undefined;
    httpPort: Later<number>;
    role: () => Role;
  },
): Promise<Transport> {
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
      role: http.role,
    });
    if (transport.httpPort !== undefined) {
      http.httpPort.set(transport.httpPort);
    }
    return transport;
  } catch (error) {
    await store.close();
    throw error;
  }
}

// Stops in order (the duty with its grace period, then the leadership,
// then the database); called twice, it stops once.
function stopper(base: Base, leadership: Leadership): () => Promise<void> {
  const { store, log } = base;
  let stopping: Promise<void> | undefined;
  return () => {
    stopping ??= (async () => {
      log.info("stopping: no new updates, waiting for running jobs");
      await leadership.stop();
      await store.close();
      log.info("stopped");
    })();
    return stopping;
  };
}
export { createBackends } from "./backends.ts";
export { LeadershipLostError } from "./leadership.ts";
export type { AppDeps } from "./parts.ts";

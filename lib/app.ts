/**
 * The running bot: opens the data directory, upgrades the database, wires
 * the ledger, ComfyUI client, job runner and Telegram bot, and stops them
 * in order. `main.ts`, the demo and the end-to-end tests all start it here.
 *
 * @module
 */

import type { Bot } from "grammy";
import type { DatabaseSync } from "node:sqlite";
import { type BotContext, createBot, registerCommands } from "./bot/mod.ts";
import { type Clock, systemClock } from "./clock.ts";
import { ConnectClient, type Renderer } from "./comfy/mod.ts";
import type { Config } from "./config.ts";
import { openStore } from "./store.ts";
import { JobRunner } from "./jobs/runner.ts";
import type { JobStore } from "./jobs/store.ts";
import type { Ledger } from "./ledger/mod.ts";
import type { Logger } from "./log.ts";
import { openTimeBook } from "./stats/time_book.ts";
import { AdminQueries } from "./admin/mod.ts";
import { WizardStore } from "./wizard/mod.ts";
import { UpdateLog } from "./updates.ts";
import { telegramPhotos } from "./telegram/files.ts";

/** Outside things the app uses; tests replace them. */
export interface AppDeps {
  readonly log: Logger;
  readonly clock?: Clock;
  readonly fetch?: typeof fetch;
  /** Replaces the ComfyUI client (tests, the preview backend later). */
  readonly renderer?: Renderer;
}

/** A started bot. */
export interface App {
  readonly bot: Bot<BotContext>;
  readonly runner: JobRunner;
  readonly ledger: Ledger;
  readonly jobs: JobStore;
  readonly db: DatabaseSync;
  /** Resolves when polling ends. */
  readonly polling: Promise<void>;
  /** Stops polling, lets jobs finish within the grace period, closes the DB. */
  stop(): Promise<void>;
}

/** Starts the bot with long polling. */
export async function startApp(config: Config, deps: AppDeps): Promise<App> {
  const token = config.botToken;
  if (token === undefined) throw new Error("BOT_TOKEN is required to start");
  const { log } = deps;
  const clock = deps.clock ?? systemClock;
  const store = await openStore(config.dataDir, {
    clock,
    log,
    defaultTokens: config.defaultTokens,
  });
  const times = await openTimeBook(
    `${config.dataDir}/processing_stats.json`,
    log,
    clock,
  );
  const updates = new UpdateLog(store.db, clock);
  updates.prune();
  // The runner needs the bot's API and username, the bot needs the runner.
  const late: { runner?: JobRunner } = {};
  const bot = createBot(token, {
    ledger: store.ledger,
    jobs: {
      start: (request) => (late.runner as JobRunner).start(request),
      cancel: (jobId, userId) =>
        (late.runner as JobRunner).cancel(jobId, userId),
    },
    times: times.stats,
    wizards: new WizardStore(store.db, { clock }),
    updates,
    admin: new AdminQueries(store.db, clock),
    adminUserIds: config.adminUserIds,
    log,
    tokensPerVideo: config.tokensPerVideo,
    defaultTokens: config.defaultTokens,
    adminContact: config.adminContact,
  }, {
    apiRoot: config.telegramApiRoot,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
  try {
    await bot.init();
  } catch (error) {
    store.db.close();
    throw error;
  }
  const runner = new JobRunner({
    api: bot.api,
    renderer: deps.renderer ?? new ConnectClient({
      baseUrl: config.comfyuiUrl,
      workflow: config.comfyuiWorkflow,
      timeoutMs: config.comfyuiTimeoutMs,
      historyIntervalMs: config.historyIntervalMs,
      historyAttempts: config.historyAttempts,
      durationInput: config.comfyuiDurationInput,
      sizeInput: config.comfyuiSizeInput,
      clock,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
    }),
    photos: telegramPhotos({
      api: bot.api,
      apiRoot: config.telegramApiRoot,
      token,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
    }),
    store: store.jobs,
    ledger: store.ledger,
    times,
    clock,
    log,
    botUsername: bot.botInfo.username,
    tokensPerVideo: config.tokensPerVideo,
    concurrency: config.comfyuiConcurrency,
    progressIntervalMs: config.progressIntervalMs,
    maxActivePerUser: config.maxActiveJobsPerUser,
    resubmits: config.jobResubmits,
  });
  late.runner = runner;
  const resumed = runner.resume();
  if (resumed > 0) log.info("resuming unfinished jobs", { count: resumed });
  await registerCommands(bot.api, config.adminUserIds, log);
  let stopping: Promise<void> | undefined;
  // A polling failure after stop() began (grammY aborts its retry sleep) is
  // part of stopping; any other one is fatal and reported to the caller.
  const polling = bot.start({
    drop_pending_updates: false,
    allowed_updates: ["message", "callback_query"],
    onStart: (info) => log.info("polling started", { bot: info.username }),
  }).catch((error) => {
    if (stopping !== undefined) {
      log.debug("polling ended while stopping", { error });
      return;
    }
    throw error;
  });
  const stop = () => {
    stopping ??= (async () => {
      log.info("stopping: no new updates, waiting for running jobs");
      await bot.stop();
      await runner.stop(config.shutdownGraceMs);
      store.db.close();
      log.info("stopped");
    })();
    return stopping;
  };
  return {
    bot,
    runner,
    ledger: store.ledger,
    jobs: store.jobs,
    db: store.db,
    polling,
    stop,
  };
}

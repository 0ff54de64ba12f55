/**
 * The running bot: opens the data directory, upgrades the database, wires
 * the ledger, ComfyUI client, job runner and Telegram bot, and stops them
 * in order. `main.ts`, the demo and the end-to-end tests all start it here.
 * How updates come in (polling, webhook, the HTTP server) is app_transport.ts.
 *
 * @module
 */

import type { Bot } from "grammy";
import type { DatabaseSync } from "node:sqlite";
import {
  type BotContext,
  createBot,
  notEnoughReply,
  registerCommands,
} from "./bot/mod.ts";
import { messages } from "./i18n/mod.ts";
import { type Clock, systemClock } from "./clock.ts";
import { type Renderer, VideoSpool } from "./comfy/mod.ts";
import type { RenderPool } from "./comfy/pool.ts";
import { ffmpegAvailable } from "./comfy/preview.ts";
import { probeVideo } from "./media/video_shape.ts";
import { BanStore } from "./bans/mod.ts";
import { GroupSettings } from "./groups/mod.ts";
import { type Backends, createBackends } from "./backends.ts";
import { fitForTelegram } from "./jobs/output_check.ts";
import type { Config } from "./config.ts";
import {
  type Receiving,
  startTransport,
  type Transport,
} from "./app_transport.ts";
import { countingRenderer, Metrics, telegramCounter } from "./metrics.ts";
import { retryTransformer } from "./telegram/retry.ts";
import { throttleTransformer } from "./telegram/throttle.ts";
import { openStore } from "./store.ts";
import { JobRunner } from "./jobs/runner.ts";
import { limitDownloads } from "./jobs/photo_check.ts";
import type { JobStore } from "./jobs/store.ts";
import type { Ledger } from "./ledger/mod.ts";
import type { Logger } from "./log.ts";
import { openTimeBook } from "./stats/time_book.ts";
import { AdminQueries } from "./admin/mod.ts";
import { WizardStore } from "./wizard/mod.ts";
import { UpdateLog } from "./updates.ts";
import { startPruning } from "./updates_prune.ts";
import { telegramPhotos } from "./telegram/files.ts";
import { Broadcaster, BroadcastStore } from "./broadcast/mod.ts";
import { moneyDeps } from "./money.ts";
import { startDashboard } from "./dashboard/start.ts";
import { msUntilNextDay } from "./jobs/free.ts";
import { startAlerts } from "./alerts/start.ts";

/** Outside things the app uses; tests replace them. */
export interface AppDeps {
  readonly log: Logger;
  readonly clock?: Clock;
  readonly fetch?: typeof fetch;
  /** Replaces the ComfyUI client (tests, the preview backend later). */
  readonly renderer?: Renderer;
  /** The counters behind /metrics (tests read them). */
  readonly metrics?: Metrics;
  /** ffmpeg's path; null: as if not installed (default: found on PATH). */
  readonly ffmpeg?: string | null;
}

/** A started bot. */
export interface App {
  readonly bot: Bot<BotContext>;
  readonly runner: JobRunner;
  readonly ledger: Ledger;
  readonly jobs: JobStore;
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
  const late: {
    runner?: JobRunner;
    pool?: RenderPool | undefined;
    broadcaster?: Broadcaster;
    httpPort?: number | undefined;
  } = {};
  // The dashboard is served by the HTTP server, for admins only.
  const dashboard = config.adminUserIds.length > 0 &&
      (config.httpPort !== undefined || config.webhookUrl !== undefined)
    ? await startDashboard(config, {
      botToken: token,
      port: () => late.httpPort,
      db: store.db,
      ledger: store.ledger,
      clock,
      log,
      servers: () => late.pool,
    })
    : undefined;
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
    bans: new BanStore(store.db, clock),
    groups: new GroupSettings(store.db, clock),
    backends: { status: () => late.pool?.status() ?? [] },
    log,
    tokensPerVideo: config.tokensPerVideo,
    defaultTokens: config.defaultTokens,
    adminContact: config.adminContact,
    clock,
    money: moneyDeps(store, { config, clock, late }),
    ...(dashboard ? { dashboard } : {}),
    videos: store.jobs,
    ...(config.freeVideosPerDay > 0
      ? {
        free: {
          perDay: config.freeVideosPerDay,
          left: (userId: number) =>
            store.jobs.freeLeft(userId, config.freeVideosPerDay),
          msUntilNext: () => msUntilNextDay(clock.now()),
        },
      }
      : {}),
  }, {
    apiRoot: config.telegramApiRoot,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
  const metrics = deps.metrics ?? new Metrics();
  // Innermost first: the counter sees every attempt, each attempt waits
  // for its turn in the throttle, the retry wraps them all.
  bot.api.config.use(telegramCounter(metrics, () => clock.now()));
  bot.api.config.use(throttleTransformer({
    perSecond: config.telegramRate,
    chatIntervalMs: config.telegramChatIntervalMs,
    groupPerMinute: config.telegramGroupRate,
  }, { onWait: (ms) => metrics.telegramWait.observe(ms / 1000) }));
  bot.api.config.use(retryTransformer({
    clock,
    onRetry: (event) => log.warn("retrying a Bot API call", { ...event }),
  }));
  try {
    await bot.init();
  } catch (error) {
    store.db.close();
    throw error;
  }
  const alerts = startAlerts(config, {
    api: bot.api,
    db: store.db,
    ledger: store.ledger,
    clock,
    log,
    serverError: (name) =>
      late.pool?.status().find((s) => s.name === name)?.lastError,
  });
  // Videos wait on disk between ComfyUI and Telegram (lib/comfy/spool.ts).
  const spool = new VideoSpool(`${config.dataDir}/tmp/videos`);
  let backends: Backends | undefined;
  try {
    const swept = await spool.sweep();
    if (swept > 0) log.info("removed videos left by a previous run", { swept });
    backends = deps.renderer === undefined
      ? await createBackends(config, {
        clock,
        log,
        spool,
        assignments: {
          get: (id) => store.jobs.serverOf(id),
          set: (id, server) => store.jobs.assignServer(id, server),
        },
        ...(alerts ? { onStateChange: alerts.serverChanged } : {}),
        ...(deps.fetch ? { fetch: deps.fetch } : {}),
      })
      : undefined;
  } catch (error) {
    store.db.close();
    throw error;
  }
  late.pool = backends?.pool;
  metrics.servers = () => backends?.pool.status() ?? [];
  // Re-encoding a video over Telegram's upload limit needs ffmpeg.
  const ffmpeg = deps.ffmpeg !== undefined
    ? deps.ffmpeg ?? undefined
    : await ffmpegAvailable()
    ? "ffmpeg"
    : undefined;
  const runner = new JobRunner({
    api: bot.api,
    renderer: countingRenderer(
      deps.renderer ?? (backends as Backends).pool,
      metrics,
    ),
    fitVideo: async (video, durationSeconds) =>
      (await fitForTelegram(video, {
        durationSeconds,
        spool,
        ffmpeg,
      })).video,
    probeVideo: (video) =>
      probeVideo(video.path, { ffmpeg, tempPath: () => spool.newPath() }),
    adminUserIds: config.adminUserIds,
    preview: backends?.preview ?? false,
    // A bounded number of downloads at once: each may hold 20 MB.
    photos: limitDownloads(
      telegramPhotos({
        api: bot.api,
        apiRoot: config.telegramApiRoot,
        token,
        ...(deps.fetch ? { fetch: deps.fetch } : {}),
      }),
      config.maxPhotoDownloads,
    ),
    store: store.jobs,
    ledger: store.ledger,
    times,
    clock,
    log,
    botUsername: bot.botInfo.username,
    tokensPerVideo: config.tokensPerVideo,
    concurrency: backends?.pool.capacity ?? config.comfyuiConcurrency,
    progressIntervalMs: config.progressIntervalMs,
    chatIntervalMs: config.telegramChatIntervalMs,
    maxActivePerUser: config.maxActiveJobsPerUser,
    resubmits: config.jobResubmits,
    negativePrompt: config.negativePrompt,
    freeVideosPerDay: config.freeVideosPerDay,
    ...(alerts ? { onJobEnd: alerts.jobEnded } : {}),
    notEnough: ({ locale, ...figures }) =>
      notEnoughReply(messages(locale), figures, {
        packs: config.tokenPacks,
        adminContact: config.adminContact,
      }),
  });
  late.runner = runner;
  backends?.pool.start();
  const resumed = runner.resume();
  late.broadcaster = new Broadcaster({
    store: new BroadcastStore(store.db, clock),
    api: bot.api,
    ledger: store.ledger,
    clock,
    log,
    progressIntervalMs: config.progressIntervalMs,
  });
  const broadcasts = late.broadcaster.resume();
  if (broadcasts > 0) log.info("resuming broadcasts", { count: broadcasts });
  if (resumed > 0) log.info("resuming unfinished jobs", { count: resumed });
  await registerCommands(bot.api, config.adminUserIds, log, {
    payments: config.tokenPacks.length > 0,
  });
  // Resumed jobs already run: if the HTTP server cannot listen (the port
  // is taken) or the webhook cannot be set, they stop and the database
  // closes before the error goes up.
  let transport: Transport;
  let receiving: Receiving;
  try {
    transport = startTransport(config, {
      bot,
      db: store.db,
      updates,
      metrics,
      pool: backends?.pool,
      dashboard: dashboard?.routes,
      clock,
      log,
      fetch: deps.fetch,
    });
    late.httpPort = transport.httpPort;
    receiving = await transport.receive();
  } catch (error) {
    await runner.stop(0);
    await backends?.pool.stop();
    store.db.close();
    throw error;
  }
  alerts?.start();
  // Pruned at start above, then hourly while the bot runs.
  const pruning = startPruning(() => updates.prune(), { clock, log });
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      log.info("stopping: no new updates, waiting for running jobs");
      await transport.close();
      await runner.stop(config.shutdownGraceMs);
      await late.broadcaster?.stop();
      await backends?.pool.stop();
      await alerts?.stop();
      await pruning.stop();
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
    metrics,
    httpPort: transport.httpPort,
    polling: receiving.polling,
    stop,
    handled: (updateId) => transport.handled(updateId),
  };
}

/**
 * The steps of the composition root (mod.ts), each building one part from
 * the parts before it: the data directory, the dashboard, the bot and its
 * API, the render servers, the job runner and what it tells users.
 *
 * @module
 */

import type { Bot } from "grammy";
import {
  type BotContext,
  createBot,
  notEnoughReply,
  TelegramJobNotifier,
} from "../bot/mod.ts";
import { messages } from "../i18n/mod.ts";
import { type Clock, systemClock } from "../clock.ts";
import { type Renderer, type VideoFile, VideoSpool } from "../comfy/mod.ts";
import type { RenderPool } from "../comfy/mod.ts";
import { ffmpegAvailable, probeVideo, type VideoShape } from "../media/mod.ts";
import { type Backends, createBackends } from "./backends.ts";
import { fitForTelegram } from "../jobs/mod.ts";
import type { Config } from "../config/mod.ts";
import { countingRenderer, Metrics, telegramCounter } from "../http/mod.ts";
import { retryTransformer } from "../telegram/mod.ts";
import { throttleTransformer } from "../telegram/mod.ts";
import { openStore, type Store } from "./store.ts";
import { Later } from "./later.ts";
import { JobRunner } from "../jobs/mod.ts";
import { limitDownloads } from "../jobs/mod.ts";
import type { Logger } from "../log.ts";
import { openTimeBook, type TimeBook } from "../stats/mod.ts";
import type { UpdateLog } from "../telegram/mod.ts";
import { telegramPhotos } from "../telegram/mod.ts";
import { Broadcaster } from "../broadcast/mod.ts";
import { moneyDeps } from "./money.ts";
import { type DashboardAccess, startDashboard } from "./dashboard.ts";
import { msUntilNextDay } from "../jobs/mod.ts";
import type { Alerts } from "./alerts.ts";

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

// What every step below builds on: the settings, the outside things, and
// what start opened first (the database, the render times, the updates).
export interface Base {
  readonly config: Config;
  readonly deps: AppDeps;
  readonly token: string;
  readonly clock: Clock;
  readonly log: Logger;
  readonly store: Store;
  readonly times: TimeBook;
  readonly updates: UpdateLog;
  readonly metrics: Metrics;
}

// Parts needed before they can exist, the app's real cycles: the bot and
// the job runner need each other (the runner talks through the bot's API),
// the dashboard and /backends show the server pool built after the bot,
// the money commands start the broadcaster that sends through the bot, and
// the dashboard's link names the HTTP port the transport opens last.
export interface Cycles {
  readonly runner: Later<JobRunner>;
  readonly pool: Later<RenderPool>;
  readonly broadcaster: Later<Broadcaster>;
  readonly httpPort: Later<number>;
}

// The data directory: the database, the render times, the stored updates.
export async function openBase(config: Config, deps: AppDeps): Promise<Base> {
  const token = config.botToken;
  if (token === undefined) throw new Error("BOT_TOKEN is required to start");
  const { log } = deps;
  const clock = deps.clock ?? systemClock;
  const store = await openStore(config.dataDir, {
    clock,
    log,
    defaultTokens: config.defaultTokens,
    referralBonus: config.referralBonus,
    databaseUrl: config.databaseUrl,
  });
  const times = await openTimeBook(
    `${config.dataDir}/processing_stats.json`,
    log,
    clock,
    store.statsFiles,
  );
  const updates = store.updates;
  await updates.prune();
  const metrics = deps.metrics ?? new Metrics();
  return { config, deps, token, clock, log, store, times, updates, metrics };
}

// The dashboard is served by the HTTP server, for admins only.
export async function dashboardOf(
  base: Base,
  later: Cycles,
): Promise<DashboardAccess | undefined> {
  const { config, store, clock, log } = base;
  if (config.adminUserIds.length === 0) return undefined;
  if (config.httpPort === undefined && config.webhookUrl === undefined) {
    return undefined;
  }
  return await startDashboard(config, {
    botToken: base.token,
    port: () => later.httpPort.get(),
    reports: store.reports,
    ledger: store.ledger,
    usedLinks: store.usedLinks,
    bans: store.bans,
    clock,
    log,
    servers: () => later.pool.get(),
  });
}

// The Telegram bot with everything its handlers reach.
export function botOf(
  base: Base,
  later: Cycles,
  dashboard: DashboardAccess | undefined,
): Bot<BotContext> {
  const { config, store, clock, deps } = base;
  return createBot(base.token, {
    ledger: store.ledger,
    jobs: {
      start: (request) => later.runner.must().start(request),
      cancel: (jobId, userId) => later.runner.must().cancel(jobId, userId),
    },
    times: base.times.stats,
    wizards: store.wizards,
    updates: base.updates,
    admin: store.reports.admin,
    adminUserIds: config.adminUserIds,
    bans: store.bans,
    groups: store.groups,
    backends: { status: () => later.pool.get()?.status() ?? [] },
    log: base.log,
    tokensPerVideo: config.tokensPerVideo,
    defaultTokens: config.defaultTokens,
    adminContact: config.adminContact,
    clock,
    money: moneyDeps(store, { config, broadcaster: later.broadcaster }),
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
}

// Innermost first: the counter sees every attempt, each attempt waits for
// its turn in the throttle, the retry wraps them all.
export function tuneApi(bot: Bot<BotContext>, base: Base): void {
  const { config, clock, log, metrics } = base;
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
}

// Videos wait on disk between ComfyUI and Telegram (lib/comfy/spool.ts);
// the render servers, unless a test or the demo brought its own renderer.
export async function backendsOf(
  base: Base,
  alerts: Alerts | undefined,
): Promise<{ spool: VideoSpool; backends: Backends | undefined }> {
  const { config, deps, store, clock, log } = base;
  // Swept when this instance becomes active (duty.ts), not before: a
  // standby sharing the data directory must not take a running job's file.
  const spool = new VideoSpool(`${config.dataDir}/tmp/videos`);
  try {
    const backends = deps.renderer === undefined
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
    return { spool, backends };
  } catch (error) {
    await store.close();
    throw error;
  }
}

// The job runner, telling users through the bot (bot/job_view/).
export async function runnerOf(
  base: Base,
  parts: {
    bot: Bot<BotContext>;
    backends: Backends | undefined;
    spool: VideoSpool;
    alerts: Alerts | undefined;
  },
): Promise<JobRunner> {
  const { config, deps, store, clock, log } = base;
  const { bot, backends, spool, alerts } = parts;
  // Re-encoding a video over Telegram's upload limit needs ffmpeg.
  const ffmpeg = deps.ffmpeg !== undefined
    ? deps.ffmpeg ?? undefined
    : await ffmpegAvailable()
    ? "ffmpeg"
    : undefined;
  const renderer = deps.renderer ?? backends?.pool;
  if (renderer === undefined) throw new Error("no renderer was built");
  return new JobRunner({
    notifier: notifierOf(
      base,
      bot,
      backends,
      (video) =>
        probeVideo(video.path, { ffmpeg, tempPath: () => spool.newPath() }),
    ),
    renderer: countingRenderer(renderer, base.metrics),
    fitVideo: async (video, durationSeconds) =>
      (await fitForTelegram(video, { durationSeconds, spool, ffmpeg })).video,
    // A bounded number of downloads at once: each may hold 20 MB.
    photos: limitDownloads(
      telegramPhotos({
        api: bot.api,
        apiRoot: config.telegramApiRoot,
        token: base.token,
        ...(deps.fetch ? { fetch: deps.fetch } : {}),
      }),
      config.maxPhotoDownloads,
    ),
    store: store.jobs,
    ledger: store.ledger,
    times: base.times,
    clock,
    log,
    tokensPerVideo: config.tokensPerVideo,
    concurrency: backends?.pool.capacity ?? config.comfyuiConcurrency,
    progressIntervalMs: config.progressIntervalMs,
    maxActivePerUser: config.maxActiveJobsPerUser,
    resubmits: config.jobResubmits,
    negativePrompt: config.negativePrompt,
    freeVideosPerDay: config.freeVideosPerDay,
    ...(alerts ? { onJobEnd: alerts.jobEnded } : {}),
  });
}

// What the runner says, said in Telegram.
export function notifierOf(
  base: Base,
  bot: Bot<BotContext>,
  backends: Backends | undefined,
  probe?: (video: VideoFile) => Promise<VideoShape>,
): TelegramJobNotifier {
  const { config } = base;
  return new TelegramJobNotifier({
    api: bot.api,
    clock: base.clock,
    log: base.log,
    botUsername: bot.botInfo.username,
    progressIntervalMs: config.progressIntervalMs,
    chatIntervalMs: config.telegramChatIntervalMs,
    adminUserIds: config.adminUserIds,
    preview: backends?.preview ?? false,
    ...(probe ? { probe } : {}),
    notEnough: ({ locale, ...figures }) =>
      notEnoughReply(messages(locale), figures, {
        packs: config.tokenPacks,
        adminContact: config.adminContact,
      }),
  });
}

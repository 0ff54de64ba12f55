/**
 * How updates reach a started bot: long polling, or in webhook mode
 * Telegram's POSTs to the HTTP server; either way each update is stored
 * before Telegram is told it arrived, then handled concurrently by chat
 * (lib/intake/). The same server answers `/healthz`, `/metrics` and the
 * admin dashboard when HTTP_PORT is set.
 *
 * @module
 */

import { type Bot, BotError } from "grammy";
import type { Update } from "grammy/types";
import type { BotContext } from "../bot/mod.ts";
import type { Clock } from "../clock.ts";
import type { RenderPool } from "../comfy/mod.ts";
import { type Config, DEFAULT_WEBHOOK_PORT } from "../config/mod.ts";
import { cachedHealth } from "../http/mod.ts";
import { renderMetrics } from "../http/mod.ts";
import {
  type HttpServer,
  type HttpServerOptions,
  startHttpServer,
} from "../http/mod.ts";
import { WebhookReceiver } from "../http/mod.ts";
import { Poller, UpdateDispatcher } from "../intake/mod.ts";
import type { Logger } from "../log.ts";
import type { Metrics } from "../http/mod.ts";
import type { UpdateLog } from "../telegram/mod.ts";
import type { Reports } from "./store.ts";

/** The settings {@link startTransport} reads. */
export type TransportConfig = Pick<
  Config,
  | "webhookUrl"
  | "webhookSecret"
  | "httpHost"
  | "httpPort"
  | "comfyuiUrl"
  | "healthIntervalMs"
  | "httpMaxConnections"
  | "httpHeaderTimeoutMs"
  | "httpIdleTimeoutMs"
>;

/** What {@link startTransport} serves and reports on. */
export interface TransportDeps {
  readonly bot: Bot<BotContext>;
  readonly reports: Reports;
  /** Where updates are stored before they are handled. */
  readonly updates: UpdateLog;
  readonly metrics: Metrics;
  /** The render servers `/healthz` checks; undefined: it asks COMFYUI_URL. */
  readonly pool: RenderPool | undefined;
  /** The admin dashboard's routes, when it runs. */
  readonly dashboard: HttpServerOptions["dashboard"];
  readonly clock: Clock;
  readonly log: Logger;
  readonly fetch?: typeof fetch | undefined;
  /** This instance's role: a standby serves HTTP but takes no updates. */
  readonly role: () => "active" | "standby";
}

/** Updates being taken. */
export interface Receiving {
  /** Resolves when the bot stops taking updates (polling ends, or close()). */
  readonly polling: Promise<void>;
}

/** The HTTP server (when it runs) and the way updates come in. */
export interface Transport {
  /** The port of the HTTP server, when it runs (HTTP_PORT, webhook mode). */
  readonly httpPort: number | undefined;
  /**
   * Sets the webhook, or starts long polling. If setting the webhook fails
   * the HTTP server is closed and the error thrown.
   */
  receive(): Promise<Receiving>;
  /**
   * Takes no more updates: closes the webhook or stops polling, then HTTP.
   * Twice: once.
   */
  close(): Promise<void>;
  /** Resolves once a stored update has been handled (tests). */
  handled(updateId: number): Promise<void>;
}

// What the bot asks Telegram for, in polling and webhook mode alike.
const ALLOWED_UPDATES = [
  "message",
  "callback_query",
  "pre_checkout_query",
  "inline_query",
] as const;
// A long poll returns within 30 s; no success for this long means stuck.
const POLL_STALE_MS = 90_000;
// Updates in memory at most (grammY runner's default sink bound); more
// wait in the `updates` table, and long polling waits for room.
const UPDATES_IN_FLIGHT = 500;

/**
 * Starts the HTTP server when HTTP_PORT is set or in webhook mode (it
 * listens before {@link Transport.receive} so the dashboard knows its
 * port, and on a standby instance, which never receives). Updates flow
 * only after `receive()`.
 */
export function startTransport(
  config: TransportConfig,
  deps: TransportDeps,
): Transport {
  const { bot, log, updates } = deps;
  const dispatcher = new UpdateDispatcher({
    inbox: updates,
    handle: (update) => handleUpdate(bot, update),
    limit: UPDATES_IN_FLIGHT,
    log,
  });
  const { webhook, poller } = receivers(config, deps, dispatcher);
  const polls = pollingCheck(deps, poller);
  const http = config.httpPort !== undefined || webhook !== undefined
    ? serveHttp(config, deps, { webhook, pollingAlive: polls.alive })
    : undefined;
  let stopped = () => {};
  // Once, whoever asks first: a failed receive() or the app's stop. A
  // polling failure after it began is part of stopping; any other one is
  // fatal and reported to the caller.
  let closed: Promise<void> | undefined;
  const close = () =>
    closed ??= (async () => {
      webhook?.close();
      await poller?.stop();
      await dispatcher.close();
      await http?.close();
      stopped();
    })();
  return {
    httpPort: http?.port,
    async receive() {
      polls.started();
      // Updates stored by an earlier run and never handled go first.
      dispatcher.pump();
      if (poller !== undefined) {
        return {
          polling: poller.run(() =>
            log.info("polling started", { bot: bot.botInfo.username })
          ).catch((error) => {
            if (closed !== undefined) {
              log.debug("polling ended while stopping", { error });
              return;
            }
            throw error;
          }),
        };
      }
      const polling = new Promise<void>((resolve) => stopped = resolve);
      webhook?.open();
      try {
        await bot.api.setWebhook(config.webhookUrl ?? "", {
          secret_token: config.webhookSecret ?? "",
          allowed_updates: ALLOWED_UPDATES,
          drop_pending_updates: false,
        });
      } catch (error) {
        await close();
        throw error;
      }
      log.info("webhook set", { url: config.webhookUrl });
      return { polling };
    },
    handled: (updateId) => dispatcher.handled(updateId),
    close,
  };
}

// The webhook receiver (WEBHOOK_URL) or else the long poller, both storing
// what they take before the dispatcher handles it.
function receivers(
  config: TransportConfig,
  deps: TransportDeps,
  dispatcher: UpdateDispatcher,
): { webhook?: WebhookReceiver; poller?: Poller } {
  const { bot, log, updates } = deps;
  // Telegram re-sends an update whose receipt it did not learn of (the
  // bot died first); stored once, it is handled once.
  const accept = async (update: Update) => {
    if (await updates.store(update)) {
      dispatcher.offer(update);
      return;
    }
    log.info("skipped a re-delivered update", { update: update.update_id });
  };
  if (config.webhookUrl !== undefined) {
    return {
      webhook: new WebhookReceiver({
        secret: config.webhookSecret ?? "",
        accept,
        onUpdate: () => deps.metrics.updates.inc(),
        log,
      }),
    };
  }
  return {
    poller: new Poller({
      api: bot.api,
      allowedUpdates: ALLOWED_UPDATES,
      clock: deps.clock,
      log,
      accept: async (batch) => {
        // In order: the table keeps Telegram's order of a chat's updates.
        for (const update of batch) await accept(update);
      },
      room: () => dispatcher.room(),
    }),
  };
}

// For /healthz: updates arrive (always true in webhook mode), or the long
// poll succeeded lately, or this is a standby, which does not poll. The
// clock starts when receiving does (a takeover may come hours later).
function pollingCheck(
  deps: TransportDeps,
  poller: Poller | undefined,
): { alive: () => boolean; started: () => void } {
  const { clock, metrics } = deps;
  let startedAt = clock.now();
  return {
    alive: () =>
      poller === undefined || deps.role() === "standby" ||
      (poller.running &&
        clock.now() - (metrics.lastPollAt ?? startedAt) < POLL_STALE_MS),
    started: () => {
      startedAt = clock.now();
    },
  };
}

function serveHttp(
  config: TransportConfig,
  deps: TransportDeps,
  { webhook, pollingAlive }: {
    webhook: WebhookReceiver | undefined;
    pollingAlive: () => boolean;
  },
): HttpServer {
  const { pool } = deps;
  return startHttpServer({
    hostname: config.httpHost,
    port: config.httpPort ?? DEFAULT_WEBHOOK_PORT,
    // The pool checks its servers every COMFYUI_HEALTH_INTERVAL: /healthz
    // reads that answer instead of probing on every hit.
    health: cachedHealth({
      databaseOk: () => deps.reports.ping(),
      comfyuiUrl: config.comfyuiUrl,
      ...(pool
        ? { comfyuiOk: () => Promise.resolve(pool.status().some((s) => s.up)) }
        : {}),
      pollingAlive,
      role: deps.role,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
    }, { intervalMs: config.healthIntervalMs, now: () => deps.clock.now() }),
    metrics: async () =>
      renderMetrics(await deps.reports.metrics(), deps.metrics),
    webhook,
    dashboard: deps.dashboard,
    log: deps.log,
    limits: {
      maxConnections: config.httpMaxConnections,
      headerTimeoutMs: config.httpHeaderTimeoutMs,
      idleTimeoutMs: config.httpIdleTimeoutMs,
    },
  });
}

// What grammY's polling loop does with a failed update, which is then
// left stored: only errors outside the features' error boundary come
// here (the update log or the account could not be read or written).
async function handleUpdate(
  bot: Bot<BotContext>,
  update: Update,
): Promise<void> {
  try {
    await bot.handleUpdate(update);
  } catch (error) {
    if (error instanceof BotError) await bot.errorHandler(error);
    throw error;
  }
}

/**
 * How updates reach a started bot: long polling, or in webhook mode
 * Telegram's POSTs to the HTTP server. The same server answers `/healthz`,
 * `/metrics` and the admin dashboard when HTTP_PORT is set.
 *
 * @module
 */

import { type Bot, BotError } from "grammy";
import type { Update } from "grammy/types";
import type { DatabaseSync } from "node:sqlite";
import type { BotContext } from "./bot/mod.ts";
import type { Clock } from "./clock.ts";
import type { RenderPool } from "./comfy/pool.ts";
import { type Config, DEFAULT_WEBHOOK_PORT } from "./config.ts";
import { cachedHealth } from "./http/health.ts";
import { renderMetrics } from "./http/metrics.ts";
import {
  type HttpServer,
  type HttpServerOptions,
  startHttpServer,
} from "./http/server.ts";
import { WebhookReceiver } from "./http/webhook.ts";
import type { Logger } from "./log.ts";
import type { Metrics } from "./metrics.ts";

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
  readonly db: DatabaseSync;
  readonly metrics: Metrics;
  /** The render servers `/healthz` checks; undefined: it asks COMFYUI_URL. */
  readonly pool: RenderPool | undefined;
  /** The admin dashboard's routes, when it runs. */
  readonly dashboard: HttpServerOptions["dashboard"];
  readonly clock: Clock;
  readonly log: Logger;
  readonly fetch?: typeof fetch | undefined;
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
  /** Takes no more updates: closes the webhook or stops polling, then HTTP. */
  close(): Promise<void>;
}

// What the bot asks Telegram for, in polling and webhook mode alike.
const ALLOWED_UPDATES = [
  "message",
  "callback_query",
  "pre_checkout_query",
] as const;
// A long poll returns within 30 s; no success for this long means stuck.
const POLL_STALE_MS = 90_000;

/**
 * Starts the HTTP server when HTTP_PORT is set or in webhook mode (it
 * listens before {@link Transport.receive} so the dashboard knows its
 * port). Updates flow only after `receive()`.
 */
export function startTransport(
  config: TransportConfig,
  deps: TransportDeps,
): Transport {
  const { bot, log } = deps;
  const webhook = config.webhookUrl === undefined
    ? undefined
    : new WebhookReceiver({
      secret: config.webhookSecret ?? "",
      handle: (update) => handleWebhookUpdate(bot, update),
      onUpdate: () => deps.metrics.updates.inc(),
      log,
    });
  const pollingAlive = pollingCheck(deps, webhook !== undefined);
  const http = config.httpPort !== undefined || webhook !== undefined
    ? serveHttp(config, deps, { webhook, pollingAlive })
    : undefined;
  // A polling failure after close() began (grammY aborts its retry sleep)
  // is part of stopping; any other one is fatal and reported to the caller.
  let closing = false;
  let stopped = () => {};
  return {
    httpPort: http?.port,
    async receive() {
      if (webhook === undefined) {
        return {
          polling: bot.start({
            drop_pending_updates: false,
            allowed_updates: ALLOWED_UPDATES,
            onStart: (info) =>
              log.info("polling started", { bot: info.username }),
          }).catch((error) => {
            if (closing) {
              log.debug("polling ended while stopping", { error });
              return;
            }
            throw error;
          }),
        };
      }
      const polling = new Promise<void>((resolve) => stopped = resolve);
      try {
        await bot.api.setWebhook(config.webhookUrl ?? "", {
          secret_token: config.webhookSecret ?? "",
          allowed_updates: ALLOWED_UPDATES,
          drop_pending_updates: false,
        });
      } catch (error) {
        await http?.close();
        throw error;
      }
      log.info("webhook set", { url: config.webhookUrl });
      return { polling };
    },
    async close() {
      closing = true;
      if (webhook !== undefined) await webhook.close();
      else await bot.stop();
      await http?.close();
      stopped();
    },
  };
}

// For /healthz: updates arrive (always true in webhook mode), or the long
// poll succeeded lately. The clock starts when the transport does.
function pollingCheck(deps: TransportDeps, webhook: boolean): () => boolean {
  const { bot, clock, metrics } = deps;
  const startedAt = clock.now();
  return () =>
    webhook ||
    (bot.isRunning() &&
      clock.now() - (metrics.lastPollAt ?? startedAt) < POLL_STALE_MS);
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
      db: deps.db,
      comfyuiUrl: config.comfyuiUrl,
      ...(pool
        ? { comfyuiOk: () => Promise.resolve(pool.status().some((s) => s.up)) }
        : {}),
      pollingAlive,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
    }, { intervalMs: config.healthIntervalMs, now: () => deps.clock.now() }),
    metrics: () => renderMetrics(deps.db, deps.metrics),
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

// What grammY's polling loop does with a failed update, for webhook mode.
async function handleWebhookUpdate(
  bot: Bot<BotContext>,
  update: Update,
): Promise<void> {
  try {
    await bot.handleUpdate(update);
  } catch (error) {
    if (!(error instanceof BotError)) throw error;
    await bot.errorHandler(error);
  }
}

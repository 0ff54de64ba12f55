/**
 * The bot's HTTP server (`Deno.serve` on HTTP_HOST:HTTP_PORT): `/healthz`,
 * `/metrics`, the admin dashboard under `/dashboard`, and in webhook mode
 * `/telegram`. It binds to 127.0.0.1 unless
 * told otherwise: metrics are for the machine's own Prometheus, and the
 * webhook is meant to sit behind a TLS reverse proxy. Connections pass
 * through a gate (gate.ts) that caps them, times out slow or idle ones
 * and survives accept errors, which `Deno.serve` alone does not.
 *
 * @module
 */

import type { Logger } from "../log.ts";
import { type GateLimits, startGate } from "./gate.ts";
import type { Health } from "./health.ts";
import { PROMETHEUS_CONTENT_TYPE } from "./prometheus.ts";
import type { WebhookReceiver } from "./webhook.ts";

/** The path Telegram's webhook requests are served at. */
export const WEBHOOK_PATH = "/telegram";

/** Options of {@link startHttpServer}. */
export interface HttpServerOptions {
  readonly hostname: string;
  /** 0: any free port (tests). */
  readonly port: number;
  readonly health: () => Promise<Health>;
  /** The `/metrics` body; may throw (answered with 500). */
  readonly metrics: () => Promise<string>;
  /** Set in webhook mode. */
  readonly webhook?: WebhookReceiver | undefined;
  /** The admin dashboard, answering every path under `/dashboard`. */
  readonly dashboard?: {
    handle(request: Request): Promise<Response>;
  } | undefined;
  readonly log: Logger;
  /** Connection cap and timeouts (default {@link DEFAULT_GATE_LIMITS}). */
  readonly limits?: GateLimits;
}

/** HTTP_MAX_CONNECTIONS, HTTP_HEADER_TIMEOUT and HTTP_IDLE_TIMEOUT. */
export const DEFAULT_GATE_LIMITS: GateLimits = {
  maxConnections: 64,
  headerTimeoutMs: 10_000,
  idleTimeoutMs: 60_000,
};

/** A running server. */
export interface HttpServer {
  /** The port it listens on. */
  readonly port: number;
  /** Stops listening; requests in flight finish. */
  close(): Promise<void>;
}

/** Starts the server (throws AddrInUse when the port is taken). */
export function startHttpServer(options: HttpServerOptions): HttpServer {
  const { log } = options;
  let inner = serveInner(options);
  let closing = false;
  // The inner server ends on an accept error of its own (out of file
  // descriptors): start another, the gate sends new connections there.
  const watch = (server: Deno.HttpServer<Deno.NetAddr>) => {
    server.finished.catch((error) => {
      if (closing) return;
      log.error("http server failed; starting it again", { error });
      inner = serveInner(options);
      watch(inner);
    });
  };
  watch(inner);
  let gate;
  try {
    gate = startGate({
      ...(options.limits ?? DEFAULT_GATE_LIMITS),
      hostname: options.hostname,
      port: options.port,
      upstream: () => inner.addr,
      log,
    });
  } catch (error) {
    closing = true;
    void inner.shutdown();
    throw error;
  }
  log.info("http server listening", {
    hostname: options.hostname,
    port: gate.port,
  });
  return {
    port: gate.port,
    async close() {
      closing = true;
      await gate.close();
      // Requests in flight finish; idle keep-alive connections then end.
      await inner.shutdown();
      gate.closeAll();
    },
  };
}

function serveInner(options: HttpServerOptions): Deno.HttpServer<Deno.NetAddr> {
  const { log } = options;
  return Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen: () => {},
    onError: (error) => {
      log.error("http request failed", { error });
      return new Response("internal error\n", { status: 500 });
    },
  }, (request) => route(request, options));
}

async function route(
  request: Request,
  options: HttpServerOptions,
): Promise<Response> {
  const path = new URL(request.url).pathname;
  if (path === WEBHOOK_PATH && options.webhook !== undefined) {
    return await options.webhook.handle(request);
  }
  if (
    options.dashboard !== undefined &&
    (path === "/dashboard" || path.startsWith("/dashboard/"))
  ) {
    return await options.dashboard.handle(request);
  }
  await request.body?.cancel();
  if (request.method !== "GET" && request.method !== "HEAD") {
    return new Response("method not allowed\n", { status: 405 });
  }
  if (path === "/healthz") {
    const health = await options.health();
    return Response.json(health, { status: health.ok ? 200 : 503 });
  }
  if (path === "/metrics") {
    return new Response(await options.metrics(), {
      headers: { "content-type": PROMETHEUS_CONTENT_TYPE },
    });
  }
  return new Response("not found\n", { status: 404 });
}

/**
 * The HTTP adapter's public face: the server, its routes (health, metrics,
 * webhook) and the in-process counters that /metrics reports.
 *
 * @module
 */

export { countingRenderer, Metrics, telegramCounter } from "./counters.ts";
export { cachedHealth } from "./health.ts";
export {
  type MetricsFigures,
  metricsFigures,
  renderMetrics,
} from "./metrics.ts";
export { startHttpServer } from "./server.ts";
export type { HttpServer, HttpServerOptions } from "./server.ts";
export { WebhookReceiver } from "./webhook.ts";

/**
 * Admin alerts: one grouped, rate-limited message when a render server
 * goes down or comes back, when jobs fail several times in a row, when the
 * disk under DATA_DIR is nearly full, and a daily summary. `ALERTS=off`
 * turns them off.
 *
 * @module
 */

export { Alerter, type AlerterOptions, type AlertText } from "./alerter.ts";
export { type DiskUsage, diskUsage, type StatFsLike, usageOf } from "./disk.ts";
export {
  AlertMonitor,
  type AlertMonitorOptions,
  SUMMARY_HOUR_UTC,
} from "./monitor.ts";
export { type DailyFigures, dailyFigures } from "./summary.ts";

import type { Api } from "grammy";
import type { DatabaseSync } from "node:sqlite";
import type { Clock } from "../clock.ts";
import type { Config } from "../config/mod.ts";
import { asLocale } from "../i18n/mod.ts";
import type { JobEnd } from "../jobs/mod.ts";
import type { Ledger } from "../ledger/mod.ts";
import type { Logger } from "../log.ts";
import { Alerter } from "../alerts/mod.ts";
import type { DiskUsage } from "../alerts/mod.ts";
import { AlertMonitor } from "../alerts/mod.ts";

/** What {@link startAlerts} needs besides the configuration. */
export interface AlertDeps {
  readonly api: Api;
  readonly db: DatabaseSync;
  readonly ledger: Ledger;
  readonly clock: Clock;
  readonly log: Logger;
  /** The last error of a render server, for the "down" alert. */
  readonly serverError: (server: string) => string | undefined;
  readonly disk?: (dir: string) => Promise<DiskUsage | undefined>;
}

/** The hooks the app wires into the pool and the runner. */
export interface Alerts {
  readonly serverChanged: (server: string, up: boolean) => void;
  readonly jobEnded: (end: JobEnd) => void;
  /** Starts the disk checks and the daily summary. */
  start(): void;
  /** Stops them and sends what is still pending. */
  stop(): Promise<void>;
}

// Alerts raised within this share of ALERT_INTERVAL go out together.
const GROUP_SHARE = 100;
const GROUP_MAX_MS = 3000;

/** The admin alerts; undefined when ALERTS=off or there is no admin. */
export function startAlerts(
  config: Pick<
    Config,
    | "alerts"
    | "adminUserIds"
    | "alertIntervalMs"
    | "alertDiskPercent"
    | "alertFailures"
    | "dataDir"
  >,
  deps: AlertDeps,
): Alerts | undefined {
  if (!config.alerts || config.adminUserIds.length === 0) return undefined;
  const alerter = new Alerter({
    adminIds: config.adminUserIds,
    send: (admin, text) => deps.api.sendMessage(admin, text),
    localeOf: (admin) => asLocale(deps.ledger.account(admin)?.language),
    clock: deps.clock,
    log: deps.log,
    intervalMs: config.alertIntervalMs,
    groupMs: Math.min(GROUP_MAX_MS, config.alertIntervalMs / GROUP_SHARE),
  });
  const monitor = new AlertMonitor({
    alerter,
    db: deps.db,
    clock: deps.clock,
    log: deps.log,
    dataDir: config.dataDir,
    diskPercent: config.alertDiskPercent,
    failuresInARow: config.alertFailures,
    ...(deps.disk ? { disk: deps.disk } : {}),
  });
  return {
    serverChanged: (server, up) =>
      monitor.serverChanged(server, up, deps.serverError(server)),
    jobEnded: (end) => monitor.jobEnded(end),
    start: () => monitor.start(),
    stop: async () => {
      await monitor.stop();
      await alerter.settled();
    },
  };
}

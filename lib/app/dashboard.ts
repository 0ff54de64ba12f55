/**
 * Sets the dashboard up for the running bot: loads the signing key, and
 * gives the bot a way to make links and the HTTP server the routes.
 *
 * @module
 */

import type { Clock } from "../clock.ts";
import type { Config } from "../config/mod.ts";
import type { Ledger } from "../ledger/mod.ts";
import type { Logger } from "../log.ts";
import { redact, secretsOf } from "../secrets.ts";
import { DashboardAuth } from "../dashboard/mod.ts";
import { Dashboard, type DashboardServers } from "../dashboard/mod.ts";
import { dashboardLink } from "../dashboard/mod.ts";
import { loadDashboardKey } from "../dashboard/mod.ts";
import type { UsedLinks } from "../dashboard/mod.ts";
import type { Reports } from "./store.ts";
import type { BanStore } from "../bans/mod.ts";

/** The settings the dashboard reads. */
export type DashboardConfig = Pick<
  Config,
  | "dataDir"
  | "adminUserIds"
  | "dashboardUrl"
  | "httpHost"
  | "webhookSecret"
  | "comfyuiServers"
>;

/** What the dashboard needs from the app. */
export interface DashboardSetup {
  readonly botToken: string;
  /** The HTTP server's port, known once it listens. */
  readonly port: () => number | undefined;
  readonly reports: Reports;
  readonly ledger: Ledger;
  /** One-time links already opened (the `dashboard_links` table). */
  readonly usedLinks: UsedLinks;
  readonly bans: BanStore;
  readonly clock: Clock;
  readonly log: Logger;
  /** Read when a page is drawn: the pool exists only after the bot. */
  readonly servers: () => DashboardServers | undefined;
}

/** The dashboard of a running bot. */
export interface DashboardAccess {
  /** A one-time link for an admin, in their language. */
  link(admin: number, locale: string): Promise<string>;
  /** The HTTP routes under `/dashboard`. */
  readonly routes: Dashboard;
}

/** Loads (or creates) the key and builds the dashboard. */
export async function startDashboard(
  config: DashboardConfig,
  setup: DashboardSetup,
): Promise<DashboardAccess> {
  const auth = new DashboardAuth({
    key: await loadDashboardKey(config.dataDir, setup.botToken),
    clock: setup.clock,
    isAdmin: (id) => config.adminUserIds.includes(id),
    usedLinks: setup.usedLinks,
  });
  // IPv6 addresses need brackets in a URL.
  const host = config.httpHost.includes(":")
    ? `[${config.httpHost}]`
    : config.httpHost;
  const routes = new Dashboard({
    records: setup.reports.records,
    charts: (now) => setup.reports.charts(now),
    bans: setup.bans,
    ledger: setup.ledger,
    auth,
    clock: setup.clock,
    log: setup.log,
    get servers() {
      return setup.servers();
    },
    secure: config.dashboardUrl?.startsWith("https://") ?? false,
    mask: (text) =>
      redact(text, secretsOf({ ...config, botToken: setup.botToken })),
  });
  return {
    link: async (admin, locale) =>
      dashboardLink(
        config.dashboardUrl ?? `http://${host}:${setup.port() ?? 0}`,
        await auth.link(admin, locale),
      ),
    routes,
  };
}

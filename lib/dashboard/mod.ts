/**
 * The admin dashboard in the browser: charts, GPU servers, users and jobs,
 * opened from a one-time link that `/dashboard` sends an admin.
 *
 * @module
 */

export {
  DashboardAuth,
  LINK_TTL_MS,
  SESSION_COOKIE,
  SESSION_TTL_MS,
} from "./auth.ts";
export type { Session } from "./auth.ts";
export { Dashboard } from "./handler.ts";
export type { DashboardOptions, DashboardServers } from "./handler.ts";
export { loadDashboardKey } from "./secret.ts";
export { TokenError } from "./token.ts";

/** The link an admin opens: `base` + `/dashboard/open?t=` + token. */
export function dashboardLink(base: string, token: string): string {
  return `${base.replace(/\/+$/, "")}/dashboard/open?t=${
    encodeURIComponent(token)
  }`;
}
export {
  sqliteUsedLinks,
  tableUsedLinks,
  type UsedLinks,
} from "./used_links.ts";
export { Records } from "./records.ts";
export { type ChartData, chartData } from "./charts.ts";

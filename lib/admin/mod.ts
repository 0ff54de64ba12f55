/**
 * What the admin commands show: read-only queries over `balances.db`
 * (users, their jobs, totals). Money changes never happen here.
 *
 * @module
 */

export { AdminQueries, USERS_PAGE_SIZE } from "./queries.ts";
export type { JobSummary, Totals, UserPage, UserSummary } from "./types.ts";

/**
 * The leadership a database calls for.
 *
 * @module
 */

import type { Clock } from "../clock.ts";
import type { Logger } from "../log.ts";
import { AlwaysLeader } from "./always.ts";
import { PgLeader } from "./pg.ts";
import type { Leader } from "./types.ts";

/** Whether `url` names a PostgreSQL database (`postgres://`, `postgresql://`). */
export function isPostgresUrl(url: string | undefined): url is string {
  return url !== undefined && /^postgres(ql)?:\/\//i.test(url);
}

/**
 * PgLeader for a PostgreSQL `databaseUrl` (DATABASE_URL), else AlwaysLeader
 * (SQLite: one process owns the file).
 */
export function createLeader(
  databaseUrl: string | undefined,
  deps: { readonly clock?: Clock; readonly log?: Logger } = {},
): Leader {
  if (!isPostgresUrl(databaseUrl)) return new AlwaysLeader();
  return new PgLeader({ url: databaseUrl, ...deps });
}

/**
 * The leadership a database calls for.
 *
 * @module
 */

import type { Clock } from "../clock.ts";
import type { Logger } from "../log.ts";
import { FileLeader, LOCK_FILE } from "./file.ts";
import { PgLeader } from "./pg.ts";
import type { Leader } from "./types.ts";

/** Whether `url` names a PostgreSQL database (`postgres://`, `postgresql://`). */
export function isPostgresUrl(url: string | undefined): url is string {
  return url !== undefined && /^postgres(ql)?:\/\//i.test(url);
}

/**
 * PgLeader for a PostgreSQL `databaseUrl` (DATABASE_URL), else FileLeader
 * on the lock file of `dataDir` (SQLite: processes sharing DATA_DIR on one
 * machine).
 */
export function createLeader(
  databaseUrl: string | undefined,
  deps: {
    readonly dataDir: string;
    readonly clock?: Clock;
    readonly log?: Logger;
  },
): Leader {
  const { dataDir, ...rest } = deps;
  if (isPostgresUrl(databaseUrl)) {
    return new PgLeader({ url: databaseUrl, ...rest });
  }
  return new FileLeader({ path: `${dataDir}/${LOCK_FILE}`, ...rest });
}

/**
 * Active/passive leadership: which of the instances sharing one database
 * polls Telegram, runs jobs and paces sends. On PostgreSQL the holder of a
 * session advisory lock ({@link PgLeader}); on SQLite the process holding
 * the lock file in DATA_DIR ({@link FileLeader}). The app starts its work in
 * `onActive`, stops it in `onStandby`, and reports `role()` on /healthz and
 * /metrics. Needs PostgreSQL 14 or later (idle_session_timeout).
 *
 * @module
 */

export type { Leader, LeaderHooks, Role, StepDownReason } from "./types.ts";
export { FileLeader, type FileLeaderOptions, LOCK_FILE } from "./file.ts";
export { createLeader, isPostgresUrl } from "./create.ts";
export {
  LEADER_LOCK_KEY,
  LEADER_TIMINGS,
  PgLeader,
  type PgLeaderOptions,
} from "./pg.ts";
export { LeaderTimeoutError } from "./connection.ts";

/**
 * Bans: the admins' `/ban` list in SQLite with its audit trail
 * ({@link BanStore}). The bot's middleware that stops a banned user's
 * updates is lib/bot/ban_guard.ts.
 *
 * @module
 */

export {
  type Ban,
  type BanEvent,
  type BanStore,
  MAX_REASON,
  SyncBanStore,
} from "./store.ts";
export { PgBanStore } from "./pg.ts";

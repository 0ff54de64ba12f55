/**
 * Bans: the admins' `/ban` list in SQLite with its audit trail
 * ({@link BanStore}) and the bot middleware that stops a banned user's
 * updates ({@link banGuard}).
 *
 * @module
 */

export {
  banGuard,
  type BanGuardDeps,
  BANNED_REPLY_INTERVAL_MS,
} from "./guard.ts";
export { type Ban, type BanEvent, BanStore, MAX_REASON } from "./store.ts";

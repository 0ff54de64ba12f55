/**
 * Admin broadcasts: one message copied to every user who has not blocked
 * the bot, within Telegram's limits, resumable after a restart.
 *
 * @module
 */

export { Broadcaster, type BroadcasterOptions } from "./runner.ts";
export {
  type Broadcast,
  type BroadcastCounts,
  type BroadcastStore,
  type DeliveryState,
  SyncBroadcastStore,
} from "./store.ts";
export { PgBroadcastStore } from "./pg.ts";

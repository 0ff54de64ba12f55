/**
 * Group chats: per-group settings (`/animate off`).
 *
 * @module
 */

export { type GroupSettings, SyncGroupSettings } from "./settings.ts";

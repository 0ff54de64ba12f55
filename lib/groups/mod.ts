/**
 * Group chats: per-group settings (`/animate off`).
 *
 * @module
 */

export { GroupSettings } from "./settings.ts";

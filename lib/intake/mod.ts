/**
 * How Telegram's updates are taken in: stored first (lib/telegram/update_log.ts), then
 * handled concurrently by chat ({@link UpdateDispatcher}), fed by long
 * polling ({@link Poller}) or the webhook (lib/http/webhook.ts).
 *
 * @module
 */

export {
  chatKeyOf,
  type DispatcherOptions,
  type Inbox,
  UpdateDispatcher,
} from "./dispatcher.ts";
export { Poller, type PollerOptions } from "./poller.ts";

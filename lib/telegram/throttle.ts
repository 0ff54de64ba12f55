/**
 * Keeping outgoing messages within Telegram's limits: about 30 messages a
 * second overall, one a second to one chat, 20 a minute to one group.
 * Calls over the limit wait in a queue (per chat, FIFO) instead of earning
 * a 429. Built on `@grammyjs/transformer-throttler` (Bottleneck).
 *
 * @module
 */

import { apiThrottler } from "@grammyjs/transformer-throttler";
import type { Transformer } from "grammy";

/** The limits; all must be positive (a throttle is never switched off). */
export interface ThrottleLimits {
  /** Messages a second to all chats together. */
  readonly perSecond: number;
  /** Milliseconds between two messages to one chat. */
  readonly chatIntervalMs: number;
  /** Messages a minute to one group. */
  readonly groupPerMinute: number;
}

/**
 * An API transformer that delays calls carrying a `chat_id` to stay within
 * `limits`; other calls (getUpdates, answerCallbackQuery) pass at once.
 */
export function throttleTransformer(limits: ThrottleLimits): Transformer {
  const { perSecond, chatIntervalMs, groupPerMinute } = limits;
  if (!(perSecond > 0 && chatIntervalMs > 0 && groupPerMinute > 0)) {
    throw new RangeError("Telegram throttle limits must be positive");
  }
  const throttler = apiThrottler({
    global: {
      // Evenly spaced, not only a budget per second: a budget refilled all
      // at once lets two full bursts meet around the refill (60 messages in
      // a few milliseconds), which is what earns 429s under load.
      minTime: Math.ceil(1000 / perSecond),
      reservoir: perSecond,
      reservoirRefreshAmount: perSecond,
      reservoirRefreshInterval: 1000,
    },
    group: {
      maxConcurrent: 1,
      minTime: chatIntervalMs,
      reservoir: groupPerMinute,
      reservoirRefreshAmount: groupPerMinute,
      reservoirRefreshInterval: 60_000,
    },
    out: { maxConcurrent: 1, minTime: chatIntervalMs },
  });
  // The plugin is typed against grammY's Node build; the shapes are equal.
  return throttler as unknown as Transformer;
}

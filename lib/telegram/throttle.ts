/**
 * Keeping outgoing messages within Telegram's limits: about 30 messages a
 * second overall, one a second to one chat, 20 a minute to one group.
 * Calls over the limit wait in a queue instead of earning a 429:
 *
 * - every call that carries a `chat_id` takes a turn in one global lane,
 *   the turns evenly spaced at 1000 / perSecond ms (a budget refilled all
 *   at once would let two bursts meet around the refill);
 * - before that, a message waits in its chat's lane: FIFO, one at a time,
 *   each starting at least `chatIntervalMs` after the previous one
 *   started (in a group, at least 60000 / groupPerMinute ms, which keeps
 *   any minute under the group's budget);
 * - media sends (the finished video) go ahead of calls still waiting in
 *   both lanes, so a queued progress edit does not delay them (one that
 *   has already left its chat's queue for a global turn goes first);
 * - `sendChatAction` is not a message: it takes only a global turn, so
 *   "uploading video…" can be shown while the video to that chat is in
 *   flight (grammY's auto-chat-action plugin does the same);
 * - calls without a `chat_id` (getUpdates, getFile, answerCallbackQuery)
 *   pass at once.
 *
 * @module
 */

import type { Transformer } from "grammy";
import { type Clock, systemClock } from "../clock.ts";
import { Lane } from "./lane.ts";

/** The limits; all must be positive (a throttle is never switched off). */
export interface ThrottleLimits {
  /** Messages a second to all chats together. */
  readonly perSecond: number;
  /** Milliseconds between two messages to one chat. */
  readonly chatIntervalMs: number;
  /** Messages a minute to one group. */
  readonly groupPerMinute: number;
}

/** Options of {@link throttleTransformer}. */
export interface ThrottleOptions {
  /** Paces the lanes (default: the system clock). */
  readonly clock?: Clock;
  /**
   * Told how long each paced call (one with a `chat_id`) waited for its
   * turn, in ms (0 when it went at once): the histogram behind /metrics.
   */
  readonly onWait?: (ms: number) => void;
}

/** Sends that jump ahead of waiting calls (a lower priority runs first). */
const MEDIA = new Set([
  "sendVideo",
  "sendPhoto",
  "sendDocument",
  "sendAnimation",
]);
const MEDIA_PRIORITY = 4;
const DEFAULT_PRIORITY = 5;
/** Calls paced only by the global budget. */
const NOT_MESSAGES = new Set(["sendChatAction"]);

// Idle chat lanes are dropped once there are this many (and then once
// their number doubles), so that a bot with many users keeps few lanes.
const SWEEP_FROM = 256;

/**
 * An API transformer that delays calls carrying a `chat_id` to stay within
 * `limits`; see the module documentation.
 */
export function throttleTransformer(
  limits: ThrottleLimits,
  options: ThrottleOptions = {},
): Transformer {
  const { perSecond, chatIntervalMs, groupPerMinute } = limits;
  if (!(perSecond > 0 && chatIntervalMs > 0 && groupPerMinute > 0)) {
    throw new RangeError("Telegram throttle limits must be positive");
  }
  const clock = options.clock ?? systemClock;
  const global = new Lane(Math.ceil(1000 / perSecond), clock);
  const groupMs = Math.max(chatIntervalMs, Math.ceil(60_000 / groupPerMinute));
  const chats = new ChatLanes(
    (chat) => new Lane(chat.group ? groupMs : chatIntervalMs, clock),
    clock,
  );

  return (prev, method, payload, signal) => {
    const chat = chatOf(payload);
    if (chat === undefined) return prev(method, payload, signal);
    const askedAt = clock.now();
    const go = () => {
      options.onWait?.(clock.now() - askedAt);
      return prev(method, payload, signal);
    };
    const priority = MEDIA.has(method) ? MEDIA_PRIORITY : DEFAULT_PRIORITY;
    // grammY types the signal with a polyfill's type; it is the native one.
    const abort = signal as AbortSignal | undefined;
    // A global turn only lets the call go; it does not wait for it.
    const globalTurn = (s?: AbortSignal) =>
      global.run({ priority, signal: s, start: () => Promise.resolve() });
    if (NOT_MESSAGES.has(method)) {
      return globalTurn(abort).then(go);
    }
    return chats.get(chat).run({
      priority,
      signal: abort,
      before: globalTurn,
      start: go,
    });
  };
}

// The chat a call goes to, or undefined. A `chat_id` is a number
// (negative for groups and channels) or a channel's @username.
function chatOf(payload: unknown): Chat | undefined {
  if (typeof payload !== "object" || payload === null) return undefined;
  const id = (payload as { chat_id?: unknown }).chat_id;
  if (typeof id !== "number" && (typeof id !== "string" || id === "")) {
    return undefined;
  }
  const key = String(id);
  const numeric = Number(key);
  return { key, group: !(Number.isFinite(numeric) && numeric > 0) };
}

interface Chat {
  readonly key: string;
  /** A group, supergroup or channel: the per-minute budget applies. */
  readonly group: boolean;
}

/** Lanes by chat, created on first use and dropped once idle. */
class ChatLanes {
  readonly #lanes = new Map<string, Lane>();
  readonly #create: (chat: Chat) => Lane;
  readonly #clock: Clock;
  #sweepAt = SWEEP_FROM;

  constructor(create: (chat: Chat) => Lane, clock: Clock) {
    this.#create = create;
    this.#clock = clock;
  }

  get(chat: Chat): Lane {
    let lane = this.#lanes.get(chat.key);
    if (lane === undefined) {
      if (this.#lanes.size >= this.#sweepAt) this.#sweep();
      lane = this.#create(chat);
      this.#lanes.set(chat.key, lane);
    }
    return lane;
  }

  #sweep(): void {
    const now = this.#clock.now();
    for (const [chat, lane] of this.#lanes) {
      if (lane.idle(now)) this.#lanes.delete(chat);
    }
    this.#sweepAt = Math.max(SWEEP_FROM, this.#lanes.size * 2);
  }
}

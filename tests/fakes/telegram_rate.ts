/**
 * Opt-in flood control for the fake Telegram server, for benchmarks: a
 * call that carries a `chat_id` (what Telegram counts as a message to a
 * chat, edits and chat actions included) is refused with 429 and a
 * `retry_after` when its chat already had `perChat` messages within the
 * last second, or when the bot already sent `perSecond` messages to all
 * chats within the last second. Telegram itself forgives short bursts;
 * `slackMs` shortens the windows a little so that network jitter between
 * the bot's pacing and the fake's clock is not counted as a violation.
 *
 * @module
 */

/** Limits of {@link RateLimit}; Telegram's documented ones by default. */
export interface RateLimitOptions {
  /** Messages a second to all chats together (default 30). */
  perSecond?: number;
  /** Messages a second to one chat (default 1). */
  perChat?: number;
  /** Milliseconds taken off each one-second window (default 50). */
  slackMs?: number;
}

const WINDOW_MS = 1000;

/** One call refused by {@link RateLimit}, for benchmarks to explain. */
export interface Refusal {
  /** When the refused call arrived (the clock `check` was given). */
  readonly at: number;
  readonly chat: string;
  /** Which window was full: the chat's own, or all chats'. */
  readonly limit: "chat" | "all";
  /** Arrival of the oldest call still in that window. */
  readonly oldestAt: number;
}

/** Sliding one-second windows, overall and per chat. */
export class RateLimit {
  /** Calls answered with 429 so far. */
  refused = 0;
  /** Each refusal, in order (bounded by the calls a benchmark makes). */
  readonly refusals: Refusal[] = [];
  readonly #perSecond: number;
  readonly #perChat: number;
  readonly #windowMs: number;
  readonly #all: number[] = [];
  readonly #chats = new Map<string, number[]>();

  constructor(options: RateLimitOptions = {}) {
    this.#perSecond = options.perSecond ?? 30;
    this.#perChat = options.perChat ?? 1;
    this.#windowMs = WINDOW_MS - (options.slackMs ?? 50);
  }

  /**
   * Counts a call at `now`; returns the seconds to wait when it is over a
   * limit (the call is then not counted), else undefined.
   */
  check(params: Record<string, unknown>, now: number): number | undefined {
    const chat = params.chat_id;
    if (chat === undefined || chat === null) return undefined;
    const key = String(chat);
    const mine = this.#chats.get(key) ?? [];
    prune(this.#all, now - this.#windowMs);
    prune(mine, now - this.#windowMs);
    const over = [
      mine.length >= this.#perChat ? mine : undefined,
      this.#all.length >= this.#perSecond ? this.#all : undefined,
    ].filter((w) => w !== undefined);
    if (over.length > 0) {
      this.refused++;
      const limit = over[0] === mine ? "chat" : "all";
      const oldestAt = over[0]?.[0] ?? now;
      this.refusals.push({ at: now, chat: key, limit, oldestAt });
      const freeAt = Math.max(...over.map((w) => (w[0] ?? now) + WINDOW_MS));
      return Math.max(1, Math.ceil((freeAt - now) / 1000));
    }
    mine.push(now);
    this.#all.push(now);
    this.#chats.set(key, mine);
    return undefined;
  }
}

function prune(times: number[], before: number): void {
  let drop = 0;
  while (drop < times.length && (times[drop] ?? 0) <= before) drop++;
  if (drop > 0) times.splice(0, drop);
}

/**
 * Opt-in flood control for the fake Telegram server, for benchmarks: a
 * call that carries a `chat_id` is refused with 429 and a `retry_after`
 * when the bot already made `perSecond` such calls to all chats within the
 * last second (edits and chat actions included), or when it is a message
 * (anything but `sendChatAction`, which shows a status and is not a
 * message) and its chat already had `perChat` messages within the last
 * second. Telegram itself forgives short bursts; `slackMs` shortens the
 * windows a little so that network jitter between the bot's pacing and
 * the fake's clock is not counted as a violation.
 *
 * The fake stamps a call on arrival, before reading its body, and reads
 * uploads as they stream in (see multipart.ts), so that a big
 * upload does not delay the stamps of the calls around it.
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
/** Calls counted overall but not in their chat's window. */
const NOT_MESSAGES = new Set(["sendchataction"]);

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
   * Counts a call of `method` at `now`; returns the seconds to wait when
   * it is over a limit (the call is then not counted), else undefined.
   */
  check(
    method: string,
    params: Record<string, unknown>,
    now: number,
  ): number | undefined {
    const chat = params.chat_id;
    if (chat === undefined || chat === null) return undefined;
    const key = String(chat);
    const message = !NOT_MESSAGES.has(method.toLowerCase());
    const mine = message ? this.#chats.get(key) ?? [] : [];
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
    this.#all.push(now);
    if (message) {
      mine.push(now);
      this.#chats.set(key, mine);
    }
    return undefined;
  }
}

function prune(times: number[], before: number): void {
  let drop = 0;
  while (drop < times.length && (times[drop] ?? 0) <= before) drop++;
  if (drop > 0) times.splice(0, drop);
}

/**
 * Explains the fake Telegram's 429s after a load run: for each refusal,
 * which window was full (the chat's own or all chats'), the gap the fake
 * measured against the gap the bot really left between its sends (the bot
 * stamps each request with `x-sent-at`, see bench/bot_process.ts), and how
 * late the fake stamped the arrivals. A refusal whose bot gap is within
 * the limit was the fake's mismeasurement; one whose bot gap is not was
 * the bot's fault.
 *
 * @module
 */

import type { RecordedCall, Refusal } from "../tests/fakes/telegram/mod.ts";
import { percentile, round } from "./common.ts";

/** One refusal, explained. */
export interface RefusalDetail {
  readonly limit: Refusal["limit"];
  readonly method: string;
  /** The chat's previous counted call (chat refusals). */
  readonly previous?: string;
  /** Gap between the two arrivals as the fake stamped them. */
  readonly fakeGapMs?: number;
  /** Gap between the two sends as the bot stamped them. */
  readonly botGapMs?: number;
  /** Counted calls in the window ending at this one: fake's and bot's view (overall refusals). */
  readonly fakeCount?: number;
  readonly botCount?: number;
  /** How late the fake stamped the previous call and this one (arrival - send). */
  readonly previousLateMs?: number;
  readonly lateMs: number;
  /**
   * How long each process's event loop stalled while the previous call
   * was on its way (sent to stamped): which one made it late.
   */
  readonly previousFakeStallMs?: number;
  readonly previousBotStallMs?: number;
}

/** The summary printed with a load run. */
export interface PacingReport {
  readonly byLimit: { chat: number; all: number };
  /** Refusals where the bot itself broke the limit. */
  readonly botTooClose: number;
  /** Refusals where the bot kept the limit but the fake stamped late. */
  readonly stampedLate: number;
  /** Arrival - send over all calls: p50, p99, max; and by method. */
  readonly lateMs: { p50: number; p99: number; max: number };
  readonly lateMsByMethod: Record<string, ReturnType<typeof spread>>;
  /** The latest stamps, with how long each process stalled meanwhile. */
  readonly latest: {
    method: string;
    lateMs: number;
    fakeStallMs: number;
    botStallMs: number;
  }[];
  /** The fake's event-loop lateness of a 10 ms timer: p50, p99, max. */
  readonly fakeLagMs: { p50: number; p99: number; max: number };
  /** The bot's own pacing, from its send stamps: most calls in any 1 s. */
  readonly botMaxPerSecond: number;
  /** ... and the shortest gap between two messages to one chat. */
  readonly botMinChatGapMs: number;
  readonly examples: RefusalDetail[];
}

const EXAMPLES = 12;

/** Explains `refusals` (in order) from the fake's `calls` and lag samples. */
export function pacingReport(
  calls: readonly RecordedCall[],
  refusals: readonly Refusal[],
  options: {
    windowMs: number;
    perSecond: number;
    /** [epoch ms, lateness ms] of each process's 10 ms timer. */
    fakeLags: readonly [number, number][];
    botLags: readonly [number, number][];
  },
): PacingReport {
  const { windowMs, perSecond } = options;
  const stamped = calls.filter((c) =>
    c.receivedAt !== undefined && c.sentAt !== undefined &&
    c.params.chat_id !== undefined
  );
  const arrival = (c: RecordedCall) =>
    performance.timeOrigin + (c.receivedAt ?? 0);
  const late = (c: RecordedCall) => arrival(c) - (c.sentAt ?? 0);
  const refused = stamped.filter((c) => c.error?.code === 429);
  const counted = stamped.filter((c) => c.error?.code !== 429);
  const details = refused.map((call, i): RefusalDetail => {
    const refusal = refusals[i];
    const base = {
      limit: refusal?.limit ?? "chat",
      method: call.method,
      lateMs: round(late(call)),
    };
    if (refusal?.limit === "all") {
      const inWindow = (t: (c: RecordedCall) => number) =>
        counted.filter((c) =>
          c.id < call.id && t(c) > t(call) - windowMs && t(c) <= t(call)
        ).length;
      return {
        ...base,
        fakeCount: inWindow(arrival),
        botCount: inWindow((c) => c.sentAt ?? 0),
      };
    }
    const previous = counted.findLast((c) =>
      c.id < call.id && String(c.params.chat_id) === refusal?.chat &&
      c.method !== "sendChatAction"
    );
    if (previous === undefined) return base;
    return {
      ...base,
      previous: previous.method,
      fakeGapMs: round(arrival(call) - arrival(previous)),
      botGapMs: round((call.sentAt ?? 0) - (previous.sentAt ?? 0)),
      previousLateMs: round(late(previous)),
      previousFakeStallMs: round(
        stall(options.fakeLags, previous.sentAt ?? 0, arrival(previous)),
      ),
      previousBotStallMs: round(
        stall(options.botLags, previous.sentAt ?? 0, arrival(previous)),
      ),
    };
  });
  const botTooClose =
    details.filter((d) =>
      (d.botGapMs ?? Infinity) < windowMs || (d.botCount ?? 0) >= perSecond
    ).length;
  return {
    byLimit: {
      chat: details.filter((d) => d.limit === "chat").length,
      all: details.filter((d) => d.limit === "all").length,
    },
    botTooClose,
    stampedLate: details.length - botTooClose,
    lateMs: spread(stamped.map(late)),
    lateMsByMethod: Object.fromEntries(
      [...new Set(stamped.map((c) => c.method))].map((method) => [
        method,
        spread(stamped.filter((c) => c.method === method).map(late)),
      ]),
    ),
    latest: stamped.toSorted((a, b) => late(b) - late(a)).slice(0, 5)
      .map((c) => ({
        method: c.method,
        lateMs: round(late(c)),
        fakeStallMs: round(stall(options.fakeLags, c.sentAt ?? 0, arrival(c))),
        botStallMs: round(stall(options.botLags, c.sentAt ?? 0, arrival(c))),
      })),
    fakeLagMs: spread(options.fakeLags.map(([, lag]) => lag)),
    botMaxPerSecond: mostInOneSecond(stamped.map((c) => c.sentAt ?? 0)),
    botMinChatGapMs: round(shortestChatGap(stamped)),
    examples: details.slice(0, EXAMPLES),
  };
}

// How long an event loop was stalled (timer lateness, summed) within
// [from, to]: a tick at t, late by `lag`, means the loop was blocked over
// [t - lag, t].
function stall(
  samples: readonly [number, number][],
  from: number,
  to: number,
): number {
  let total = 0;
  for (const [at, lag] of samples) {
    const overlap = Math.min(at, to) - Math.max(at - lag, from);
    if (overlap > 0) total += overlap;
  }
  return total;
}

function mostInOneSecond(times: number[]): number {
  const sorted = times.toSorted((a, b) => a - b);
  let most = 0;
  // Two pointers: bounded by the number of calls.
  for (let first = 0, last = 0; last < sorted.length; last++) {
    while ((sorted[last] ?? 0) - (sorted[first] ?? 0) >= 1000) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

function shortestChatGap(calls: readonly RecordedCall[]): number {
  const last = new Map<string, number>();
  let shortest = Number.POSITIVE_INFINITY;
  const messages = calls.filter((c) => c.method !== "sendChatAction")
    .toSorted((a, b) => (a.sentAt ?? 0) - (b.sentAt ?? 0));
  for (const call of messages) {
    const chat = String(call.params.chat_id);
    const sent = call.sentAt ?? 0;
    const before = last.get(chat);
    if (before !== undefined) shortest = Math.min(shortest, sent - before);
    last.set(chat, sent);
  }
  return shortest;
}

function spread(values: readonly number[]) {
  return {
    p50: round(percentile(values, 50)),
    p99: round(percentile(values, 99)),
    max: round(
      values.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY),
    ),
  };
}

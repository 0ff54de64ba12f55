/**
 * Delivery overhead figures shared by the benchmarks: from ComfyUI
 * finishing a job (its history entry's execution_success timestamp) to a
 * Bot API call for the job's chat arriving at the fake Telegram.
 *
 * @module
 */

import type { FakeComfy, HistoryEntry } from "../tests/fakes/comfyui/mod.ts";
import type {
  FakeTelegram,
  RecordedCall,
} from "../tests/fakes/telegram/mod.ts";
import { percentile, round } from "./common.ts";

/** p50/p99/max of a list of milliseconds. */
export interface Summary {
  readonly jobs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** p50/p99/max of a list of milliseconds. */
export function summary(ms: number[]): Summary {
  return {
    jobs: ms.length,
    p50Ms: round(percentile(ms, 50)),
    p99Ms: round(percentile(ms, 99)),
    maxMs: round(Math.max(...ms)),
  };
}

/** When ComfyUI finished each job, by the chat the job's photo came from. */
export function finishTimes(
  entries: Iterable<HistoryEntry>,
): Map<number, number> {
  const out = new Map<number, number>();
  for (const entry of entries) {
    const user = /telegram_(\d+)_/.exec(JSON.stringify(entry.prompt))?.[1];
    const done = entry.status.messages.find(([t]) => t === "execution_success");
    const at = Number((done?.[1] as { timestamp?: number })?.timestamp);
    if (user !== undefined && at > 0) out.set(Number(user), at);
  }
  return out;
}

/**
 * Milliseconds from each job's finish to the first call of `method` (any
 * call when undefined) to its chat arriving after it.
 */
export function overheads(
  telegram: FakeTelegram,
  history: Iterable<HistoryEntry>,
  method?: string,
): number[] {
  const finished = finishTimes(history);
  const arrival = (c: RecordedCall) =>
    performance.timeOrigin + (c.receivedAt ?? c.at - performance.timeOrigin);
  const out: number[] = [];
  for (const [chat, end] of finished) {
    const next = telegram.calls
      .filter((c) => Number(c.params.chat_id) === chat)
      .filter((c) => method === undefined || c.method === method)
      .map(arrival)
      .filter((at) => at >= end)
      .sort((a, b) => a - b)[0];
    if (next !== undefined) out.push(next - end);
  }
  return out;
}

/** Every `/history` entry of servers running elsewhere (a worker). */
export async function historyOver(
  urls: readonly string[],
): Promise<HistoryEntry[]> {
  const lists = await Promise.all(urls.map(async (url) => {
    const response = await fetch(`${url}/history`);
    return Object.values(await response.json() as Record<string, HistoryEntry>);
  }));
  return lists.flat();
}

/** Every history entry of servers in this process. */
export function historyOf(comfies: readonly FakeComfy[]): HistoryEntry[] {
  return comfies.flatMap((c) => Object.values(c.history.list()));
}

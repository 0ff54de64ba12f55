/**
 * The balance screen's lines about the daily free video: how many are
 * left today, or how long until the next one.
 *
 * @module
 */

import type { BotContext } from "./context.ts";
import type { BotDeps } from "./deps.ts";

/** "\n\n🎁 …" lines, or "" when FREE_VIDEOS_PER_DAY is off. */
export async function freeLines(
  ctx: BotContext,
  deps: BotDeps,
): Promise<string> {
  const free = deps.free;
  if (free === undefined || free.perDay <= 0) return "";
  const t = ctx.t.free;
  const left = await free.left(ctx.account.userId);
  const lines = [t.balanceLeft({ left, perDay: free.perDay })];
  if (left === 0) {
    const minutes = Math.ceil(free.msUntilNext() / 60_000);
    lines.push(t.balanceNext({
      wait: t.hours({ h: Math.floor(minutes / 60), m: minutes % 60 }),
    }));
  }
  return `\n\n${lines.join("\n")}`;
}

import { formatWait } from "../i18n/mod.ts";
import {
  DURATIONS,
  parseDuration,
  parseQuality,
  QUALITY_NAMES,
} from "../pricing.ts";
import type { BotContext } from "./context.ts";
import type { BotDeps } from "./deps.ts";

/**
 * Average render times per settings (shortest, lowest first) and overall,
 * as lines of the statistics screens. Keys that are not settings this bot
 * offers (a hand-edited processing_stats.json) are left out.
 */
export function timeLines(
  ctx: BotContext,
  deps: BotDeps,
): { lines: string; overall: string } {
  const t = ctx.t;
  const rows = Object.entries(deps.times.meanByKey()).flatMap(
    ([key, { mean, count }]) => {
      const [d, q, extra] = key.split("_");
      const duration = parseDuration(d);
      const quality = parseQuality(q);
      if (duration === undefined || quality === undefined || extra) return [];
      const order = DURATIONS.indexOf(duration) * 10 +
        QUALITY_NAMES.indexOf(quality);
      const line = t.statsLine({
        duration,
        quality,
        time: formatWait(ctx.locale, mean),
        count,
      });
      return [{ order, line }];
    },
  );
  const lines = rows.sort((a, b) => a.order - b.order).map((row) => row.line);
  const overall = deps.times.meanOverall();
  return {
    lines: lines.length > 0 ? lines.join("\n") : t.statsEmpty,
    overall: overall === undefined
      ? t.statsNone
      : formatWait(ctx.locale, overall),
  };
}

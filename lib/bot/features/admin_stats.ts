import { Composer } from "grammy";
import type { BotContext } from "../context.ts";
import type { BotDeps } from "../deps.ts";
import { isAdmin } from "../admin_view.ts";
import { timeLines } from "../time_lines.ts";

/** `/stats`: totals of the whole bot, for admins only. */
export function adminStatsFeature(deps: BotDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command("stats", async (ctx, next) => {
    if (!isAdmin(ctx, deps)) return next();
    const totals = await deps.admin.totals();
    await ctx.reply(ctx.t.admin.stats({
      users: totals.users,
      newUsers: totals.newUsers,
      today: totals.videosToday,
      week: totals.videosWeek,
      all: totals.videosAll,
      active: totals.active,
      spent: totals.spent,
      held: totals.held,
      failedWeek: totals.failedWeek,
      failedAll: totals.failedAll,
      ...timeLines(ctx, deps),
    }));
  });
  return feature;
}

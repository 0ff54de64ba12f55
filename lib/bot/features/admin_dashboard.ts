import { Composer } from "grammy";
import type { BotContext } from "../context.ts";
import type { BotDeps } from "../deps.ts";
import { isAdmin } from "../admin_view.ts";

/**
 * `/dashboard`: a one-time link (10 minutes) to the admin dashboard, in the
 * admin's language. For anyone but an admin the command does not exist.
 */
export function adminDashboardFeature(deps: BotDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command("dashboard", async (ctx, next) => {
    if (!isAdmin(ctx, deps) || ctx.from === undefined) return next();
    const a = ctx.t.admin;
    if (deps.dashboard === undefined) {
      await ctx.reply(a.dashboardOff);
      return;
    }
    const url = await deps.dashboard.link(ctx.from.id, ctx.locale);
    deps.log.info("dashboard link sent", { admin: ctx.from.id });
    // The link is a key: no preview, so Telegram's servers never open it.
    await ctx.reply(a.dashboardLink({ url }), {
      link_preview_options: { is_disabled: true },
    });
  });
  return feature;
}

import { Composer } from "grammy";
import type { BotContext } from "../context.ts";
import type { BotDeps } from "../deps.ts";
import { isAdmin } from "../admin_view.ts";
import { parseUserId } from "../command_args.ts";

/**
 * `/ban USER_ID [reason]` and `/unban USER_ID`, for admins only (for
 * anyone else the commands do not exist). Every ban and unban is a row of
 * the audit table and a log line.
 */
export function adminBansFeature(deps: BotDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const bans = deps.bans;
  if (bans === undefined) return feature;

  feature.command("ban", async (ctx, next) => {
    if (!isAdmin(ctx, deps)) return next();
    const f = ctx.t.features;
    const match = /^(\S+)(?:\s+([\s\S]*))?$/.exec(ctx.match.trim());
    const id = parseUserId(match?.[1] ?? "");
    if (id === undefined) return void await ctx.reply(f.banUsage);
    if (deps.adminUserIds.includes(id)) {
      return void await ctx.reply(f.banAdmin);
    }
    const reason = match?.[2]?.trim() || undefined;
    const fresh = await bans.ban(id, ctx.from?.id ?? 0, reason);
    deps.log.info("audit: user banned", {
      admin: ctx.from?.id,
      user: id,
      again: !fresh,
    });
    await ctx.reply(f.bannedDone({ id, reason: reason ?? "—" }));
  });

  feature.command("unban", async (ctx, next) => {
    if (!isAdmin(ctx, deps)) return next();
    const f = ctx.t.features;
    const id = parseUserId(ctx.match);
    if (id === undefined) return void await ctx.reply(f.unbanUsage);
    const lifted = await bans.unban(id, ctx.from?.id ?? 0);
    if (lifted) {
      deps.log.info("audit: user unbanned", { admin: ctx.from?.id, user: id });
    }
    await ctx.reply(lifted ? f.unbanned({ id }) : f.notBanned({ id }));
  });

  return feature;
}

import { Composer } from "grammy";
import type { BotContext } from "../context.ts";
import type { BotDeps } from "../deps.ts";
import { isAdmin } from "../admin_view.ts";
import { parseGrantAmount } from "../command_args.ts";

/**
 * `/grant_all AMOUNT`: the same grant to every user (a promotion), one
 * `grant` journal row each. For anyone but an admin it does not exist.
 */
export function adminGrantAllFeature(deps: BotDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command("grant_all", async (ctx, next) => {
    const money = deps.money;
    if (!isAdmin(ctx, deps) || money === undefined) return next();
    const a = ctx.t.admin.money;
    const amount = parseGrantAmount(ctx.match);
    if (amount === undefined) {
      await ctx.reply(a.grantAllUsage);
      return;
    }
    // The command's message names the promotion: repeating it is a no-op.
    const key = `promo:${ctx.chatId}:${ctx.msg.message_id}:${ctx.msg.date}`;
    const users = await money.grantAll(amount, key);
    deps.log.info("admin granted everyone", {
      admin: ctx.from?.id,
      amount,
      users,
    });
    await ctx.reply(a.grantAllDone({ amount, users }));
  });
  return feature;
}

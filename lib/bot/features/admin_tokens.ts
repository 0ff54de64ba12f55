import { Composer } from "grammy";
import { asLocale, messages } from "../../i18n/mod.ts";
import type { BotContext } from "../context.ts";
import type { BotDeps } from "../deps.ts";
import { displayName, isAdmin } from "../admin_view.ts";
import { parseAddTokens } from "../command_args.ts";

/**
 * `/addtokens USER_ID AMOUNT`: adds (or, negative, takes away without going
 * below zero) tokens as an `adjust` journal row and tells the user what
 * they received. For anyone but an admin the command does not exist.
 */
export function adminTokensFeature(deps: BotDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command("addtokens", async (ctx, next) => {
    if (!isAdmin(ctx, deps)) return next();
    const a = ctx.t.admin;
    const args = parseAddTokens(ctx.match);
    if (args === undefined) {
      await ctx.reply(a.addUsage);
      return;
    }
    const { userId, amount } = args;
    const before = await deps.ledger.account(userId);
    if (before === undefined) {
      await ctx.reply(a.noUser({ id: userId }));
      return;
    }
    const name = displayName(ctx, before);
    // The message identifies the request: a re-delivered update is no-op.
    const { account, applied } = await deps.ledger.adjust(userId, amount, {
      idemKey: `admin:${ctx.chatId}:${ctx.msg.message_id}:${ctx.msg.date}`,
      note: `by admin ${ctx.from?.id}`,
    });
    deps.log.info("admin changed a balance", {
      admin: ctx.from?.id,
      user: userId,
      asked: amount,
      applied,
      tokens: account.tokens,
    });
    if (applied === 0) {
      await ctx.reply(a.nothingToTake({ id: userId, name }));
      return;
    }
    const lines = [
      a.added({ id: userId, name, applied, balance: account.tokens }),
    ];
    if (applied !== amount) lines.push(a.clamped({ requested: amount }));
    if (applied > 0) {
      const told = await ctx.api.sendMessage(
        userId,
        messages(asLocale(account.language)).admin.received({
          amount: applied,
          balance: account.tokens,
        }),
      ).then(() => true, (error) => {
        deps.log.warn("cannot tell the user about tokens", { error });
        return false;
      });
      lines.push(told ? a.notified : a.notifyFailed);
    }
    await ctx.reply(lines.join("\n"));
  });
  return feature;
}

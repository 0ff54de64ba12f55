import { Composer } from "grammy";
import type { BotContext } from "../context.ts";
import type { BotDeps } from "../deps.ts";
import { isAdmin } from "../admin_view.ts";

/**
 * `/broadcast` as a reply to a message: copies that message to every user
 * who has not blocked the bot, in the background, with a progress line.
 * Any update from a user marked as blocked means they unblocked the bot.
 */
export function adminBroadcastFeature(deps: BotDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const money = deps.money;
  if (money === undefined) return feature;

  feature.use(async (ctx, next) => {
    if (ctx.from !== undefined) await money.broadcasts.unblock(ctx.from.id);
    await next();
  });

  feature.command("broadcast", async (ctx, next) => {
    if (!isAdmin(ctx, deps)) return next();
    const a = ctx.t.admin.money;
    const source = ctx.msg.reply_to_message;
    if (source === undefined || ctx.chat.type !== "private") {
      await ctx.reply(a.broadcastUsage);
      return;
    }
    const { broadcast, created } = await money.broadcasts.create({
      adminId: ctx.account.userId,
      fromChatId: ctx.chat.id,
      messageId: source.message_id,
    });
    if (!created) {
      await ctx.reply(a.broadcastAgain);
      return;
    }
    const { total } = await money.broadcasts.counts(broadcast.id);
    const progress = await ctx.reply(a.broadcastStarted({ total }));
    await money.broadcasts.setProgressMessage(
      broadcast.id,
      progress.message_id,
    );
    deps.log.info("broadcast started", { id: broadcast.id, total });
    money.startBroadcast(broadcast.id);
  });
  return feature;
}

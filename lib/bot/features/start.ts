import { Composer } from "grammy";
import { priceOf } from "../../pricing.ts";
import type { BotContext } from "../context.ts";
import type { BotDeps } from "../deps.ts";
import { mainMenu } from "../keyboards.ts";

/** `/start`: onboarding the first time, then the main menu. */
export function startFeature(deps: BotDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command("start", async (ctx) => {
    const from = ctx.from;
    if (from === undefined) return;
    // The middleware created the account; /start also refreshes the names.
    const { account } = deps.ledger.ensureUser({
      id: from.id,
      username: from.username,
      firstName: from.first_name,
      lastName: from.last_name,
    });
    ctx.account = account;
    if (deps.ledger.markWelcomed(from.id)) {
      const perVideo = priceOf(10, deps.tokensPerVideo);
      await ctx.reply(ctx.t.welcomeNew({
        name: from.first_name,
        bonus: deps.defaultTokens,
        videos: Math.floor(account.tokens / perVideo),
      }));
    }
    await ctx.reply(ctx.t.menu({ balance: account.tokens }), {
      reply_markup: mainMenu(ctx.t),
    });
  });
  return feature;
}

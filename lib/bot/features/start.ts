import { Composer } from "grammy";
import { videosAffordable } from "../../pricing.ts";
import type { BotContext } from "../context.ts";
import type { BotDeps } from "../deps.ts";
import { mainMenu } from "../keyboards.ts";
import { profileOf } from "../profile.ts";
import { closeWizard } from "../wizard_flow.ts";

/**
 * `/start`: a newcomer's welcome (once), then the main menu. It refreshes
 * the user's names and closes an open wizard: the menu starts afresh.
 */
export function startFeature(deps: BotDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command("start", async (ctx) => {
    const from = ctx.from;
    if (from === undefined) return;
    // The middleware created the account; /start also refreshes the names.
    const { account } = await deps.ledger.ensureUser(profileOf(from));
    ctx.account = account;
    await closeWizard(ctx, deps);
    if (await deps.ledger.markWelcomed(from.id)) {
      await ctx.reply(ctx.t.welcomeNew({
        name: from.first_name,
        bonus: deps.defaultTokens,
        videos: videosAffordable(account.tokens, 10, deps.tokensPerVideo),
      }));
    }
    await ctx.reply(ctx.t.menu({ balance: account.tokens }), {
      reply_markup: mainMenu(ctx.t),
    });
  });
  return feature;
}

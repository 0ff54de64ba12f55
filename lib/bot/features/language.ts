import { Composer } from "grammy";
import { messages } from "../../i18n/mod.ts";
import { parseCallback } from "../callback_data.ts";
import type { BotContext } from "../context.ts";
import type { BotDeps } from "../deps.ts";
import { mainMenu } from "../keyboards.ts";
import { showScreen } from "../screen.ts";

/** The menu's language button: stores the choice and redraws the menu. */
export function languageFeature(deps: BotDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.on("callback_query:data", async (ctx, next) => {
    const callback = parseCallback(ctx.callbackQuery.data);
    if (callback?.kind !== "lang") return next();
    await deps.ledger.setLanguage(ctx.account.userId, callback.locale);
    ctx.locale = callback.locale;
    ctx.t = messages(callback.locale);
    await ctx.answerCallbackQuery({ text: ctx.t.languageSet });
    await showScreen(
      ctx,
      ctx.t.menu({ balance: ctx.account.tokens }),
      mainMenu(ctx.t),
    );
  });
  return feature;
}

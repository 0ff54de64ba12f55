import { Composer } from "grammy";
import type { BotContext } from "../context.ts";
import { mainMenu } from "../keyboards.ts";

/**
 * Last in the chain: everything no feature took, including unknown
 * commands and admin commands from anyone but an admin.
 */
export function unhandledFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  // A forged or outdated button: say so instead of leaving a spinner.
  feature.on("callback_query", async (ctx) => {
    await ctx.answerCallbackQuery({ text: ctx.t.stale });
  });
  feature.on("message", async (ctx) => {
    if (ctx.chat.type !== "private") return;
    await ctx.reply(ctx.t.unknown, { reply_markup: mainMenu(ctx.t) });
  });
  return feature;
}

import { Composer, type InlineKeyboard } from "grammy";
import { DURATIONS, priceOf, videosAffordable } from "../../pricing.ts";
import { formatWait } from "../../i18n/mod.ts";
import { type MenuAction, parseCallback } from "../callback_data.ts";
import type { BotContext } from "../context.ts";
import type { BotDeps } from "../deps.ts";
import { backToMenu, mainMenu } from "../keyboards.ts";

/** The main menu's buttons: each screen edits the message in place. */
export function menuFeature(deps: BotDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.on("callback_query:data", async (ctx, next) => {
    const callback = parseCallback(ctx.callbackQuery.data);
    if (callback?.kind !== "menu") return next();
    await ctx.answerCallbackQuery();
    const [text, keyboard] = screen(ctx, deps, callback.action);
    await show(ctx, text, keyboard);
  });
  return feature;
}

function screen(
  ctx: BotContext,
  deps: BotDeps,
  action: MenuAction,
): [string, InlineKeyboard] {
  const t = ctx.t;
  const account = ctx.account;
  switch (action) {
    case "menu":
      return [t.menu({ balance: account.tokens }), mainMenu(t)];
    case "create":
      return [t.askPhotoCreate, backToMenu(t)];
    case "quick":
      return [t.askPhotoQuick, backToMenu(t)];
    case "balance": {
      const options = DURATIONS.map((duration) =>
        t.balanceLine({
          duration,
          cost: priceOf(duration, deps.tokensPerVideo),
          count: videosAffordable(
            account.tokens,
            duration,
            deps.tokensPerVideo,
          ),
        })
      ).join("\n");
      return [
        t.balance({ balance: account.tokens, held: account.held, options }),
        backToMenu(t),
      ];
    }
    case "stats":
      return [statsText(ctx, deps), backToMenu(t)];
    case "help": {
      const prices = DURATIONS.map((duration) =>
        t.priceLine({ duration, cost: priceOf(duration, deps.tokensPerVideo) })
      ).join("\n");
      return [
        t.help({ prices, admin: deps.adminContact ?? "" }),
        backToMenu(t),
      ];
    }
  }
}

function statsText(ctx: BotContext, deps: BotDeps): string {
  const t = ctx.t;
  const lines = Object.entries(deps.times.meanByKey())
    .map(([key, { mean, count }]) => {
      const [duration, quality] = key.split("_");
      return t.statsLine({
        duration: Number(duration),
        quality: quality ?? "",
        time: formatWait(ctx.locale, mean),
        count,
      });
    });
  const overall = deps.times.meanOverall();
  return t.statsScreen({
    videos: ctx.account.videosCreated,
    lines: lines.length > 0 ? lines.join("\n") : t.statsEmpty,
    overall: overall === undefined
      ? t.statsNone
      : formatWait(ctx.locale, overall),
  });
}

// Screens replace the menu message they came from; a button under a video
// cannot be edited into text, so those get a new message.
async function show(ctx: BotContext, text: string, keyboard: InlineKeyboard) {
  if (ctx.callbackQuery?.message?.text !== undefined) {
    try {
      await ctx.editMessageText(text, { reply_markup: keyboard });
      return;
    } catch (error) {
      if (/message is not modified/.test(String(error))) return;
    }
  }
  await ctx.reply(text, { reply_markup: keyboard });
}

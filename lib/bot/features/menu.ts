import { Composer, type InlineKeyboard } from "grammy";
import { DURATIONS, priceOf, videosAffordable } from "../../pricing.ts";
import { type MenuAction, parseCallback } from "../callback_data.ts";
import type { BotContext } from "../context.ts";
import type { BotDeps } from "../deps.ts";
import { backToMenu, mainMenu } from "../keyboards.ts";
import { showScreen } from "../screen.ts";
import { timeLines } from "../time_lines.ts";
import { balanceExtra, balanceKeyboard } from "../money_view.ts";
import { myVideosScreen } from "../my_videos.ts";
import { freeLines } from "../free_lines.ts";
import { closeWizard, openWizard } from "../wizard_flow.ts";

/**
 * The main menu's buttons; each screen replaces the message it came from.
 * The menu and quick mode close an open wizard: from there a photo is
 * quick mode, as the menu says.
 */
export function menuFeature(deps: BotDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.on("callback_query:data", async (ctx, next) => {
    const callback = parseCallback(ctx.callbackQuery.data);
    if (callback?.kind !== "menu") return next();
    await ctx.answerCallbackQuery();
    if (callback.action === "create") {
      await openWizard(ctx, deps);
      return;
    }
    if (callback.action === "menu" || callback.action === "quick") {
      await closeWizard(ctx, deps);
    }
    const [text, keyboard] = await screen(ctx, deps, callback.action);
    await showScreen(ctx, text, keyboard);
  });
  return feature;
}

async function screen(
  ctx: BotContext,
  deps: BotDeps,
  action: Exclude<MenuAction, "create">,
): Promise<[string, InlineKeyboard]> {
  const t = ctx.t;
  switch (action) {
    case "menu":
      return [t.menu({ balance: ctx.account.tokens }), mainMenu(t)];
    case "quick":
      return [t.askPhotoQuick, backToMenu(t)];
    case "balance":
      return [await balanceText(ctx, deps), balanceKeyboard(ctx, deps)];
    case "stats":
      return [statsText(ctx, deps), backToMenu(t)];
    case "videos":
      return await myVideosScreen(ctx, deps);
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

async function balanceText(
  ctx: BotContext,
  deps: BotDeps,
): Promise<string> {
  const { tokens, held } = ctx.account;
  const options = DURATIONS.map((duration) =>
    ctx.t.balanceLine({
      duration,
      cost: priceOf(duration, deps.tokensPerVideo),
      count: videosAffordable(tokens, duration, deps.tokensPerVideo),
    })
  ).join("\n");
  return ctx.t.balance({ balance: tokens, held, options }) +
    await freeLines(ctx, deps) + await balanceExtra(ctx, deps);
}

function statsText(ctx: BotContext, deps: BotDeps): string {
  return ctx.t.statsScreen({
    videos: ctx.account.videosCreated,
    ...timeLines(ctx, deps),
  });
}

import { Composer, InlineKeyboard } from "grammy";
import { parseReferral, referralLink } from "../../referrals/mod.ts";
import { parseCallback } from "../callback_data.ts";
import type { BotContext } from "../context.ts";
import type { BotDeps } from "../deps.ts";
import { backToMenu } from "../keyboards.ts";
import { showScreen } from "../screen.ts";

/**
 * Referrals: `/start ref_<code>` records who invited a new user (then the
 * start feature goes on as usual); the invite button shows the user's own
 * link with a share button. The bonus itself is paid by the job store with
 * the invited user's first delivered video.
 */
export function referralsFeature(deps: BotDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const referrals = deps.money?.referrals;
  if (referrals === undefined) return feature;

  feature.command("start", async (ctx, next) => {
    const inviter = parseReferral(ctx.match.trim());
    if (inviter !== undefined && ctx.chat.type === "private") {
      const outcome = await referrals.register(inviter, ctx.account.userId);
      deps.log.info("referral link used", {
        user: ctx.account.userId,
        inviter,
        outcome,
      });
    }
    await next();
  });

  feature.on("callback_query:data", async (ctx, next) => {
    const callback = parseCallback(ctx.callbackQuery.data);
    if (callback?.kind !== "invite") return next();
    if (referrals.bonus <= 0) {
      await ctx.answerCallbackQuery({ text: ctx.t.stale });
      return;
    }
    await ctx.answerCallbackQuery();
    const link = referralLink(ctx.me.username, ctx.account.userId);
    const share = `https://t.me/share/url?url=${encodeURIComponent(link)}` +
      `&text=${encodeURIComponent(ctx.t.money.shareText)}`;
    const keyboard = InlineKeyboard.from([
      [InlineKeyboard.url(ctx.t.money.shareButton, share)],
      ...backToMenu(ctx.t).inline_keyboard,
    ]);
    await showScreen(
      ctx,
      ctx.t.money.invite({ link, bonus: referrals.bonus }),
      keyboard,
    );
  });

  return feature;
}

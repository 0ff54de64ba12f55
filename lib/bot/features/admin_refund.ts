import { Composer, GrammyError, InlineKeyboard } from "grammy";
import { asLocale, messages } from "../../i18n/mod.ts";
import type { Payment } from "../../payments/mod.ts";
import { encodeCallback, parseCallback } from "../callback_data.ts";
import type { BotContext } from "../context.ts";
import type { BotDeps } from "../deps.ts";
import { displayName, isAdmin } from "../admin_view.ts";

// What Telegram answers when the Stars went back already (an earlier
// attempt that died before recording it): the refund then only needs
// recording.
const ALREADY_REFUNDED = /CHARGE_ALREADY_REFUNDED/;

/**
 * `/refund CHARGE_ID`: gives the Stars back (`refundStarPayment`) and takes
 * the tokens back, never below zero. When some were spent already it says
 * so and asks before going on. For anyone but an admin it does not exist.
 */
export function adminRefundFeature(deps: BotDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const money = deps.money;
  if (money === undefined) return feature;

  feature.command("refund", async (ctx, next) => {
    if (!isAdmin(ctx, deps)) return next();
    const a = ctx.t.admin.money;
    const charge = ctx.match.trim();
    if (!/^\S{1,256}$/.test(charge)) {
      await ctx.reply(a.refundUsage);
      return;
    }
    const payment = await money.payments.byCharge(charge);
    if (payment === undefined) {
      await ctx.reply(a.refundUnknown({ charge }));
      return;
    }
    const user = await deps.ledger.account(payment.userId);
    const available = user?.tokens ?? 0;
    if (payment.refundedTokens === undefined && available < payment.tokens) {
      await ctx.reply(
        a.refundSpent({
          name: user ? displayName(ctx, user) : String(payment.userId),
          id: payment.userId,
          tokens: payment.tokens,
          available,
        }),
        {
          reply_markup: InlineKeyboard.from([[InlineKeyboard.text(
            a.refundConfirm,
            encodeCallback({ kind: "refund", paymentId: payment.id }),
          )]]),
        },
      );
      return;
    }
    await refund(ctx, deps, payment);
  });

  feature.on("callback_query:data", async (ctx, next) => {
    const callback = parseCallback(ctx.callbackQuery.data);
    if (callback?.kind !== "refund") return next();
    const payment = await money.payments.byId(callback.paymentId);
    if (!isAdmin(ctx, deps) || payment === undefined) {
      await ctx.answerCallbackQuery({ text: ctx.t.stale });
      return;
    }
    await ctx.answerCallbackQuery();
    await ctx.editMessageReplyMarkup().catch(() => {});
    await refund(ctx, deps, payment);
  });

  return feature;
}

async function refund(
  ctx: BotContext,
  deps: BotDeps,
  payment: Payment,
): Promise<void> {
  const a = ctx.t.admin.money;
  if (payment.refundedTokens !== undefined) {
    await ctx.reply(
      a.refundAlready({
        charge: payment.chargeId,
        taken: payment.refundedTokens,
      }),
    );
    return;
  }
  try {
    await ctx.api.refundStarPayment(payment.userId, payment.chargeId);
  } catch (error) {
    const recorded = error instanceof GrammyError &&
      ALREADY_REFUNDED.test(error.description);
    if (!recorded) {
      const reason = error instanceof GrammyError
        ? error.description
        : String(error);
      await ctx.reply(a.refundFailed({ reason }));
      return;
    }
  }
  const payments = deps.money?.payments;
  if (payments === undefined) return;
  const { account, taken } = await payments.refunded(payment);
  deps.log.info("payment refunded", {
    admin: ctx.from?.id,
    user: payment.userId,
    stars: payment.stars,
    taken,
  });
  const user = await deps.ledger.account(payment.userId);
  await ctx.reply(a.refundDone({
    name: user ? displayName(ctx, user) : String(payment.userId),
    id: payment.userId,
    stars: payment.stars,
    taken,
    balance: account.tokens,
  }));
  const t = messages(asLocale(account.language)).admin.money;
  await ctx.api.sendMessage(
    payment.userId,
    t.refundedUser({ stars: payment.stars, taken, balance: account.tokens }),
  ).catch((error) => deps.log.warn("cannot tell about a refund", { error }));
}

import { Composer } from "grammy";
import { encodePayload, findPack, parsePayload } from "../../payments/mod.ts";
import { videosAffordable } from "../../pricing.ts";
import { parseCallback } from "../callback_data.ts";
import type { BotContext } from "../context.ts";
import type { BotDeps } from "../deps.ts";

/**
 * Telegram Stars: a pack button sends an invoice in `XTR`; pre-checkout
 * says yes only for a pack still on sale and the user it was issued to;
 * a successful payment (credited by {@link paymentReceipt}) is confirmed
 * to the user. `/paysupport` and `/terms` answer as Telegram requires.
 */
export function paymentsFeature(deps: BotDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const admin = deps.adminContact ?? "";

  feature.command("paysupport", async (ctx) => {
    await ctx.reply(ctx.t.money.paysupport({ admin }));
  });
  feature.command("terms", async (ctx) => {
    await ctx.reply(ctx.t.money.terms({ admin }));
  });

  feature.on("callback_query:data", async (ctx, next) => {
    const callback = parseCallback(ctx.callbackQuery.data);
    if (callback?.kind !== "pack") return next();
    const pack = findPack(deps.money?.packs ?? [], { tokens: callback.tokens });
    if (pack === undefined) {
      await ctx.answerCallbackQuery({ text: ctx.t.stale });
      return;
    }
    await ctx.answerCallbackQuery();
    const m = ctx.t.money;
    // Stars need no provider token; XTR prices take exactly one item.
    await ctx.replyWithInvoice(
      m.invoiceTitle(pack),
      m.invoiceDescription({
        tokens: pack.tokens,
        videos: videosAffordable(pack.tokens, 10, deps.tokensPerVideo),
      }),
      encodePayload(ctx.account.userId, pack),
      "XTR",
      [{ label: m.invoiceLabel(pack), amount: pack.stars }],
    );
  });

  // Telegram waits 10 s for this answer: only in-memory checks here.
  feature.on("pre_checkout_query", async (ctx) => {
    const query = ctx.preCheckoutQuery;
    const payload = parsePayload(query.invoice_payload);
    const pack = payload &&
      findPack(deps.money?.packs ?? [], payload);
    const ok = pack !== undefined && payload?.userId === query.from.id &&
      query.currency === "XTR" && query.total_amount === pack.stars;
    if (ok) {
      await ctx.answerPreCheckoutQuery(true);
      return;
    }
    const mine = payload?.userId === query.from.id;
    await ctx.answerPreCheckoutQuery(false, {
      "error_message": mine ? ctx.t.money.packGone : ctx.t.money.notYours,
    });
    deps.log.info("pre-checkout refused", { user: query.from.id });
  });

  feature.on("message:successful_payment", async (ctx) => {
    const paid = ctx.message.successful_payment;
    const payment = await deps.money?.payments.byCharge(
      paid.telegram_payment_charge_id,
    );
    const account = await deps.ledger.account(ctx.account.userId);
    if (payment === undefined || account === undefined) return;
    await ctx.reply(
      ctx.t.money.purchased({
        tokens: payment.tokens,
        balance: account.tokens,
      }),
    );
  });

  return feature;
}

/**
 * Crediting a Stars payment, before the update is claimed as handled.
 *
 * Every other update is claimed first (lib/updates.ts) and not handled
 * again; a `successful_payment` must not be: if the bot died between the
 * claim and the credit, the payment would be lost. The credit runs first
 * instead, so a crash before it leaves the stored update unclaimed and the
 * next start handles it; the credit is idempotent (the charge id is unique
 * in `payments` and in the journal), so running it twice credits once.
 *
 * @module
 */

import type { Context, NextFunction } from "grammy";
import { profileOf } from "./profile.ts";
import { parsePayload } from "../payments/mod.ts";
import type { BotDeps } from "./deps.ts";

/** The middleware that credits `successful_payment` messages. */
export function paymentReceipt(
  deps: BotDeps,
): (ctx: Context, next: NextFunction) => Promise<void> {
  return async (ctx, next) => {
    const paid = ctx.message?.successful_payment;
    const from = ctx.from;
    const money = deps.money;
    if (paid === undefined || from === undefined || money === undefined) {
      return await next();
    }
    const payload = parsePayload(paid.invoice_payload);
    if (
      payload === undefined || payload.userId !== from.id ||
      paid.currency !== "XTR" || paid.total_amount !== payload.stars
    ) {
      // Pre-checkout refused such a payload, so this should never happen;
      // the admin can refund it by its charge id.
      deps.log.error("a payment with a foreign payload", {
        user: from.id,
        charge: paid.telegram_payment_charge_id,
      });
      return await next();
    }
    if (deps.ledger.account(from.id) === undefined) {
      deps.ledger.ensureUser(profileOf(from));
    }
    const result = money.payments.credit(paid.telegram_payment_charge_id, {
      ...payload,
      raw: paid.invoice_payload,
    });
    deps.log.info(
      result.credited ? "payment credited" : "payment seen again",
      {
        user: from.id,
        tokens: payload.tokens,
        stars: payload.stars,
        charge: paid.telegram_payment_charge_id,
      },
    );
    await next();
  };
}

/**
 * Crediting a Stars payment, first of all. A stored update is handled
 * until it is done (lib/telegram/update_log.ts), so a crash before the credit leaves
 * it to the next start; the credit is idempotent (the charge id is unique
 * in `payments` and in the journal), so handling it twice credits once.
 * It runs before the update log's check, so even an update handed to the
 * bot directly and seen before is credited.
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

/**
 * Telegram Stars in the fake Bot API: `sendInvoice` (currency `XTR`, no
 * provider token), `answerPreCheckoutQuery`, `refundStarPayment`, and a
 * {@link pay} helper that plays a user paying an invoice: a
 * `pre_checkout_query` update, then (if the bot said yes) a
 * `successful_payment` message, which a test can re-deliver.
 *
 * @module
 */

import type { Message, Update, User } from "grammy/types";
import type { FakeTelegram, FakeUser, RecordedCall } from "./mod.ts";
import type { MethodHandler } from "./methods.ts";
import type { FakeStore } from "./state.ts";
import { arrayParam, badRequest, intParam, strParam } from "./wire.ts";

// Charges refunded so far, per fake instance.
const REFUNDED = new WeakMap<FakeStore, Set<string>>();

function refunded(store: FakeStore): Set<string> {
  let set = REFUNDED.get(store);
  if (set === undefined) REFUNDED.set(store, set = new Set());
  return set;
}

function sendInvoice(
  { store, params }: Parameters<MethodHandler>[0],
): Message {
  const chat = store.chat(intParam(params, "chat_id"));
  store.assertNotBlocked(chat.chat.id);
  const title = strParam(params, "title") ?? "";
  const description = strParam(params, "description") ?? "";
  const payload = strParam(params, "payload") ?? "";
  const currency = strParam(params, "currency") ?? "";
  const prices = (arrayParam(params, "prices") ?? []) as {
    amount?: unknown;
  }[];
  if ([...title].length < 1 || [...title].length > 32) {
    throw badRequest("INVOICE_TITLE_INVALID");
  }
  if ([...description].length < 1 || [...description].length > 255) {
    throw badRequest("INVOICE_DESCRIPTION_INVALID");
  }
  const bytes = new TextEncoder().encode(payload).length;
  if (bytes < 1 || bytes > 128) throw badRequest("INVOICE_PAYLOAD_INVALID");
  if (currency !== "XTR") throw badRequest("CURRENCY_INVALID");
  if ((strParam(params, "provider_token") ?? "") !== "") {
    throw badRequest("PROVIDER_TOKEN_INVALID");
  }
  const amount = prices[0]?.amount;
  if (
    prices.length !== 1 || typeof amount !== "number" ||
    !Number.isInteger(amount) || amount < 1
  ) {
    throw badRequest("STARS_INVOICE_INVALID");
  }
  return structuredClone(store.addMessage(chat.chat.id, "bot", {
    invoice: {
      title,
      description,
      "start_parameter": "",
      currency,
      "total_amount": amount,
    },
  }));
}

/** The payment methods, by lower-case name (merged into the fake's). */
export const PAYMENT_METHODS: Record<string, MethodHandler> = {
  sendinvoice: sendInvoice,
  answerprecheckoutquery: ({ params }) => {
    if (!strParam(params, "pre_checkout_query_id")) {
      throw badRequest("QUERY_ID_INVALID");
    }
    if (params.ok !== true && !strParam(params, "error_message")) {
      throw badRequest("error_message is required when ok is false");
    }
    return true;
  },
  refundstarpayment: ({ store, params }) => {
    const userId = intParam(params, "user_id");
    const charge = strParam(params, "telegram_payment_charge_id") ?? "";
    const paid = [...(store.chats.get(userId ?? 0)?.messages.values() ?? [])]
      .some((m) =>
        m.message.successful_payment?.telegram_payment_charge_id === charge
      );
    if (!paid) throw badRequest("CHARGE_NOT_FOUND");
    if (refunded(store).has(charge)) {
      throw badRequest("CHARGE_ALREADY_REFUNDED");
    }
    refunded(store).add(charge);
    return true;
  },
};

/** How a {@link pay} went. */
export interface Payment {
  /** The bot's answer to the pre-checkout query. */
  readonly answer: RecordedCall;
  /** The `successful_payment` update (undefined when the bot said no). */
  readonly update: Update | undefined;
  /** The charge id Telegram gave the payment. */
  readonly chargeId: string | undefined;
}

let charges = 0;

function asUser(user: FakeUser): User {
  const result: User = {
    id: user.id,
    "is_bot": false,
    "first_name": user.first_name,
  };
  if (user.language_code !== undefined) {
    result.language_code = user.language_code;
  }
  return result;
}

/**
 * `user` pays the invoice the bot sent with `invoice` (its sendInvoice
 * call): Telegram asks the bot (pre-checkout) and, on yes, sends the
 * `successful_payment` message. `payload` overrides the invoice's (a
 * forged one); the helper returns without waiting for the bot to handle
 * the payment message.
 */
export async function pay(
  telegram: FakeTelegram,
  user: FakeUser,
  invoice: RecordedCall,
  opts: { payload?: string } = {},
): Promise<Payment> {
  const payload = opts.payload ?? String(invoice.params.payload);
  const prices = invoice.params.prices as { amount: number }[];
  const total = prices[0]?.amount ?? 0;
  const queryId = `pcq${Date.now()}${++charges}`;
  const after = telegram.lastCallId();
  telegram.injectUpdate({
    "pre_checkout_query": {
      id: queryId,
      from: asUser(user),
      currency: String(invoice.params.currency),
      "total_amount": total,
      "invoice_payload": payload,
    },
  });
  const answer = await telegram.waitForCall("answerPreCheckoutQuery", {
    after,
    where: (c) => c.params.pre_checkout_query_id === queryId,
  });
  if (answer.params.ok !== true) {
    return { answer, update: undefined, chargeId: undefined };
  }
  const chargeId = `stxFAKE${String(++charges).padStart(6, "0")}`;
  const update = telegram.sendMessageUpdate(user, {
    "successful_payment": {
      currency: "XTR",
      "total_amount": total,
      "invoice_payload": payload,
      "telegram_payment_charge_id": chargeId,
      "provider_payment_charge_id": "",
    },
  });
  return { answer, update, chargeId };
}

import type { DatabaseSync, SQLOutputValue } from "node:sqlite";
import type { Clock } from "../clock.ts";
import { settled, transaction } from "../db/mod.ts";
import { type Account, sqlTime, type SyncLedger } from "../ledger/mod.ts";
import type { InvoicePayload } from "./packs.ts";

/** A Stars purchase as the `payments` table keeps it. */
export interface Payment {
  /** Short row id, used in callback data (a charge id can be long). */
  readonly id: number;
  readonly chargeId: string;
  readonly userId: number;
  readonly tokens: number;
  readonly stars: number;
  readonly createdAt: string;
  /** Tokens taken back by a refund; undefined while not refunded. */
  readonly refundedTokens: number | undefined;
}

/** What {@link PaymentStore.credit} did. */
export interface CreditResult {
  readonly payment: Payment;
  readonly account: Account;
  /** False when this charge had been credited before (a re-delivery). */
  readonly credited: boolean;
}

export function toPayment(row: Record<string, SQLOutputValue>): Payment {
  return {
    id: Number(row.id),
    chargeId: String(row.charge_id),
    userId: Number(row.user_id),
    tokens: Number(row.tokens),
    stars: Number(row.stars),
    createdAt: String(row.created_at),
    refundedTokens: row.refunded_tokens === null
      ? undefined
      : Number(row.refunded_tokens),
  };
}

/**
 * Stars purchases: the storage interface of both databases. Crediting a
 * charge and taking back a refunded one are one transaction each, keyed by
 * the charge id.
 */
export interface PaymentStore {
  /** Credits a successful payment once; the buyer's account must exist. */
  credit(
    chargeId: string,
    payload: InvoicePayload & { raw: string },
  ): Promise<CreditResult>;
  /** The payment of a charge id, if any. */
  byCharge(chargeId: string): Promise<Payment | undefined>;
  /** The payment with row id `id`, if any. */
  byId(id: number): Promise<Payment | undefined>;
  /** Records a Telegram refund and takes the tokens back, once. */
  refunded(payment: Payment): Promise<{ account: Account; taken: number }>;
}

/**
 * Stars purchases on SQLite. A charge is credited in one transaction that records the
 * payment (its `telegram_payment_charge_id` is unique) and writes the
 * `purchase:<charge>` journal row, so a re-delivered `successful_payment`
 * or a retry after a crash credits nothing the second time.
 */
export class SqlitePaymentStore implements PaymentStore {
  readonly #db: DatabaseSync;
  readonly #ledger: SyncLedger;
  readonly #clock: Clock;

  constructor(db: DatabaseSync, options: { ledger: SyncLedger; clock: Clock }) {
    this.#db = db;
    this.#ledger = options.ledger;
    this.#clock = options.clock;
  }

  /** Credits a successful payment once; the buyer's account must exist. */
  credit(
    chargeId: string,
    payload: InvoicePayload & { raw: string },
  ): Promise<CreditResult> {
    return settled(() =>
      transaction(this.#db, () => {
        const inserted = this.#db.prepare(
          `INSERT INTO payments (charge_id, user_id, tokens, stars, payload,
           created_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (charge_id) DO NOTHING`,
        ).run(
          chargeId,
          payload.userId,
          payload.tokens,
          payload.stars,
          payload.raw,
          sqlTime(this.#clock.now()),
        );
        const payment = this.#byCharge(chargeId) as Payment;
        const account = this.#ledger.purchase(payment.userId, payment.tokens, {
          idemKey: `purchase:${chargeId}`,
          note: `${payment.stars} XTR`,
        });
        return { payment, account, credited: Number(inserted.changes) === 1 };
      })
    );
  }

  /** The payment of a charge id, if any. */
  byCharge(chargeId: string): Promise<Payment | undefined> {
    return settled(() => this.#byCharge(chargeId));
  }

  #byCharge(chargeId: string): Payment | undefined {
    const row = this.#db.prepare("SELECT * FROM payments WHERE charge_id = ?")
      .get(chargeId);
    return row === undefined ? undefined : toPayment(row);
  }

  /** The payment with row id `id`, if any. */
  byId(id: number): Promise<Payment | undefined> {
    return settled(() => {
      const row = this.#db.prepare("SELECT * FROM payments WHERE id = ?")
        .get(id);
      return row === undefined ? undefined : toPayment(row);
    });
  }

  /**
   * Records that Telegram refunded the Stars and takes the tokens back (no
   * further than zero), once: `refund:<charge>` in the journal.
   */
  refunded(payment: Payment): Promise<{ account: Account; taken: number }> {
    return settled(() =>
      transaction(this.#db, () => {
        const idemKey = `refund:${payment.chargeId}`;
        const { account } = this.#ledger.refund(
          payment.userId,
          payment.tokens,
          {
            idemKey,
            note: `${payment.stars} XTR`,
          },
        );
        // The journal row, not this call, says what was taken: a repeated
        // refund is a no-op of the ledger and must report the first one.
        const row = this.#db.prepare(
          "SELECT amount FROM journal WHERE idem_key = ?",
        ).get(idemKey);
        const taken = -Number(row?.amount ?? 0);
        this.#db.prepare(
          `UPDATE payments SET refunded_tokens = ?, refunded_at = ?
         WHERE id = ? AND refunded_at IS NULL`,
        ).run(taken, sqlTime(this.#clock.now()), payment.id);
        return { account, taken };
      })
    );
  }
}

import type { Sql } from "postgres";
import type { Clock } from "../clock.ts";
import {
  type Account,
  lockAccount,
  movePg,
  requirePg,
  sqlTime,
} from "../ledger/mod.ts";
import type { InvoicePayload } from "./packs.ts";
import {
  type CreditResult,
  type Payment,
  type PaymentStore,
  toPayment,
} from "./store.ts";

/**
 * The {@link PaymentStore} on PostgreSQL: the payment row and its journal
 * row in one `sql.begin()`, keyed by the unique charge id.
 */
export class PgPaymentStore implements PaymentStore {
  readonly #sql: Sql;
  readonly #clock: Clock;

  constructor(sql: Sql, clock: Clock) {
    this.#sql = sql;
    this.#clock = clock;
  }

  credit(
    chargeId: string,
    payload: InvoicePayload & { raw: string },
  ): Promise<CreditResult> {
    return this.#sql.begin(async (tx) => {
      const now = this.#clock.now();
      const inserted = await tx`INSERT INTO payments (charge_id, user_id,
          tokens, stars, payload, created_at)
        VALUES (${chargeId}, ${payload.userId}, ${payload.tokens},
          ${payload.stars}, ${payload.raw}, ${sqlTime(now)})
        ON CONFLICT (charge_id) DO NOTHING RETURNING id`;
      const [row] = await tx`SELECT * FROM payments
        WHERE charge_id = ${chargeId}`;
      const payment = toPayment(row as never);
      await movePg(tx, now, {
        userId: payment.userId,
        kind: "purchase",
        amount: payment.tokens,
        heldDelta: 0,
        options: {
          idemKey: `purchase:${chargeId}`,
          note: `${payment.stars} XTR`,
        },
      });
      const account = await requirePg(tx, payment.userId);
      return { payment, account, credited: inserted.length === 1 };
    });
  }

  async byCharge(chargeId: string): Promise<Payment | undefined> {
    const [row] = await this.#sql`SELECT * FROM payments
      WHERE charge_id = ${chargeId}`;
    return row === undefined ? undefined : toPayment(row as never);
  }

  async byId(id: number): Promise<Payment | undefined> {
    const [row] = await this.#sql`SELECT * FROM payments WHERE id = ${id}`;
    return row === undefined ? undefined : toPayment(row as never);
  }

  refunded(payment: Payment): Promise<{ account: Account; taken: number }> {
    return this.#sql.begin(async (tx) => {
      const now = this.#clock.now();
      const idemKey = `refund:${payment.chargeId}`;
      const before = await lockAccount(tx, payment.userId);
      if (before === undefined) {
        throw new Error(`Unknown user ${payment.userId}`);
      }
      await movePg(tx, now, {
        userId: payment.userId,
        kind: "refund",
        amount: -Math.min(Math.max(payment.tokens, 0), before.tokens),
        heldDelta: 0,
        options: { idemKey, note: `${payment.stars} XTR` },
      });
      // The journal row says what was taken (a repeat is a no-op).
      const [row] = await tx`SELECT amount FROM journal
        WHERE idem_key = ${idemKey}`;
      const taken = -Number(row?.amount ?? 0);
      await tx`UPDATE payments SET refunded_tokens = ${taken},
          refunded_at = ${sqlTime(now)}
        WHERE id = ${payment.id} AND refunded_at IS NULL`;
      return { account: await requirePg(tx, payment.userId), taken };
    });
  }
}

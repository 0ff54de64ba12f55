/**
 * The grant and take-back forms of a user's page. They move tokens the way
 * `/addtokens` does (an `adjust` journal row, never below zero), and each
 * rendered form carries its own idempotency key, so a double submit, a
 * reload or a resent POST moves tokens once.
 *
 * @module
 */

import { type Ledger, LedgerError } from "../ledger/mod.ts";
import type { Logger } from "../log.ts";

/** What a form does: add tokens, or take them back. */
export type MoneyAction = "grant" | "refund";

/** One submitted form. */
export interface MoneyFormInput {
  readonly ledger: Ledger;
  readonly log: Logger;
  readonly admin: number;
  readonly userId: number;
  readonly action: MoneyAction;
  /** As typed: a whole number 1..1 000 000. */
  readonly amount: string;
  /** The form's idempotency key (hidden field). */
  readonly key: string;
}

const KEY = /^[A-Za-z0-9_-]{16,64}$/;

/**
 * Applies a form: the signed change made (0 when nothing moved: a repeated
 * key, or nothing left to take), or `"bad"` for an unusable amount or key.
 */
export async function moneyForm(
  input: MoneyFormInput,
): Promise<number | "bad"> {
  const amount = /^\d{1,7}$/.test(input.amount.trim())
    ? Number(input.amount.trim())
    : NaN;
  if (!(amount >= 1 && amount <= 1_000_000) || !KEY.test(input.key)) {
    return "bad";
  }
  const idemKey = `dashboard:${input.action}:${input.key}`;
  if (await input.ledger.hasMovement(idemKey)) return 0;
  try {
    const { account, applied } = await input.ledger.adjust(
      input.userId,
      input.action === "grant" ? amount : -amount,
      { idemKey, note: `dashboard, admin ${input.admin}` },
    );
    input.log.info("admin changed a balance in the dashboard", {
      admin: input.admin,
      user: input.userId,
      asked: input.action === "grant" ? amount : -amount,
      applied,
      tokens: account.tokens,
    });
    return applied;
  } catch (error) {
    if (error instanceof LedgerError) return "bad";
    throw error;
  }
}

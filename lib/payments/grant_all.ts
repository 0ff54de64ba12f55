/**
 * `/grant_all`: the same grant to every user, through the journal.
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";
import { transaction } from "../db/mod.ts";
import type { Ledger } from "../ledger/mod.ts";

/**
 * Grants `amount` tokens to every user in one transaction, each as a
 * `grant` journal row keyed `<key>:<user>`: repeating the same promotion
 * (a re-delivered command) grants nothing twice. Returns the users granted.
 */
export function grantAll(
  db: DatabaseSync,
  options: { ledger: Ledger; amount: number; key: string },
): number {
  return transaction(db, () => {
    const users = db.prepare("SELECT user_id FROM balances ORDER BY user_id")
      .all().map((row) => Number(row.user_id));
    for (const user of users) {
      options.ledger.grant(user, options.amount, {
        idemKey: `${options.key}:${user}`,
        note: "promotion (/grant_all)",
      });
    }
    return users.length;
  });
}

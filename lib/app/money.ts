/**
 * Wiring of payments, referrals, promotions and broadcasts (issue #7) for
 * the bot's dependencies; kept apart so mod.ts only names it.
 *
 * @module
 */

import type { MoneyDeps } from "../bot/mod.ts";
import { BroadcastStore } from "../broadcast/mod.ts";
import type { Clock } from "../clock.ts";
import type { Config } from "../config/mod.ts";
import { PaymentStore } from "../payments/mod.ts";
import { grantAll } from "../payments/mod.ts";
import { ReferralStore } from "../referrals/mod.ts";
import type { Later } from "./later.ts";
import type { Store } from "./store.ts";

/** Builds {@link MoneyDeps}; the broadcaster is built later (it needs the bot's API). */
export function moneyDeps(
  store: Store,
  options: {
    config: Pick<Config, "tokenPacks" | "referralBonus">;
    clock: Clock;
    broadcaster: Later<{ start(id: number): void }>;
  },
): MoneyDeps {
  const { config, clock, broadcaster } = options;
  return {
    packs: config.tokenPacks,
    payments: new PaymentStore(store.db, { ledger: store.ledger, clock }),
    referrals: new ReferralStore(store.db, {
      clock,
      bonus: config.referralBonus,
    }),
    broadcasts: new BroadcastStore(store.db, clock),
    startBroadcast: (id) => broadcaster.get()?.start(id),
    grantAll: (amount, key) =>
      grantAll(store.db, { ledger: store.ledger, amount, key }),
  };
}

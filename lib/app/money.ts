/**
 * Wiring of payments, referrals, promotions and broadcasts (issue #7) for
 * the bot's dependencies; kept apart so mod.ts only names it.
 *
 * @module
 */

import type { MoneyDeps } from "../bot/mod.ts";
import type { Config } from "../config/mod.ts";
import type { Later } from "./later.ts";
import type { Store } from "./store.ts";

/** Builds {@link MoneyDeps}; the broadcaster is built later (it needs the bot's API). */
export function moneyDeps(
  store: Store,
  options: {
    config: Pick<Config, "tokenPacks">;
    broadcaster: Later<{ start(id: number): void }>;
  },
): MoneyDeps {
  const { config, broadcaster } = options;
  return {
    packs: config.tokenPacks,
    payments: store.payments,
    referrals: store.referrals,
    broadcasts: store.broadcasts,
    startBroadcast: (id) => broadcaster.get()?.start(id),
    grantAll: (amount, key) => store.ledger.grantAll(amount, key),
  };
}

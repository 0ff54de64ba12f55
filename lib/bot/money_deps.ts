import type { BroadcastStore } from "../broadcast/mod.ts";
import type { PaymentStore, TokenPack } from "../payments/mod.ts";
import type { ReferralStore } from "../referrals/mod.ts";

/**
 * What the payment, referral and broadcast features need (issue #7).
 * Absent from {@link BotDeps}: those features are off.
 */
export interface MoneyDeps {
  /** Packs on sale now (empty: no Stars payments). */
  readonly packs: readonly TokenPack[];
  readonly payments: PaymentStore;
  readonly referrals: ReferralStore;
  readonly broadcasts: BroadcastStore;
  /** Starts sending a broadcast in the background. */
  readonly startBroadcast: (id: number) => void;
  /** Grants every user `amount` once per `key`; returns how many users. */
  readonly grantAll: (amount: number, key: string) => Promise<number>;
}

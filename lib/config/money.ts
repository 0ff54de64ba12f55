/**
 * Settings of Telegram Stars payments and referrals (issue #7), parsed like
 * the rest of {@link loadConfig}: a bad value names its variable.
 *
 * @module
 */

import { ConfigError, type Env } from "./parse.ts";
import {
  parseTokenPacks,
  type TokenPack,
  TokenPacksError,
} from "../payments/mod.ts";

/** What payments and referrals read from the environment. */
export interface MoneyConfig {
  /** Packs sold for Stars (`TOKEN_PACKS=50:25,200:90`); empty: no payments. */
  readonly tokenPacks: readonly TokenPack[];
  /** Tokens each side of a referral gets (0: referrals are off). */
  readonly referralBonus: number;
}

/** Defaults, as an operator would write them (TOKEN_PACKS has none: off). */
export const MONEY_DEFAULTS = {
  REFERRAL_BONUS: "0",
} as const;

/** Reads TOKEN_PACKS and REFERRAL_BONUS. */
export function loadMoneyConfig(env: Env): MoneyConfig {
  let tokenPacks: TokenPack[];
  try {
    tokenPacks = parseTokenPacks(env.TOKEN_PACKS);
  } catch (error) {
    if (!(error instanceof TokenPacksError)) throw error;
    throw new ConfigError("TOKEN_PACKS", error.message);
  }
  const bonus = env.REFERRAL_BONUS?.trim() || MONEY_DEFAULTS.REFERRAL_BONUS;
  if (!/^\d{1,9}$/.test(bonus)) {
    throw new ConfigError(
      "REFERRAL_BONUS",
      `must be a whole number of tokens, not "${bonus}"`,
    );
  }
  return { tokenPacks, referralBonus: Number(bonus) };
}

/**
 * Referrals: deep links `https://t.me/<bot>?start=ref_<code>`, who invited
 * whom, and the bonus both sides get with the invited user's first video.
 *
 * @module
 */

export {
  parseReferral,
  payReferralBonus,
  referralCode,
  type ReferralCounts,
  referralLink,
  type ReferralRefusal,
  type ReferralStore,
  SqliteReferralStore,
} from "./store.ts";
export { payReferralBonusPg, PgReferralStore } from "./pg.ts";

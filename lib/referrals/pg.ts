import type { Sql } from "postgres";
import type { Clock } from "../clock.ts";
import { movePg, type PgTx, sqlTime } from "../ledger/mod.ts";
import {
  type ReferralCounts,
  type ReferralRefusal,
  type ReferralStore,
  refusalUpFront,
} from "./store.ts";

/**
 * Pays both referral bonuses of `invitedId` once, inside the open
 * transaction that completes the invited user's first delivered video.
 */
export async function payReferralBonusPg(
  tx: PgTx,
  now: number,
  invitedId: number,
): Promise<boolean> {
  const [row] = await tx`SELECT inviter_id, bonus FROM referrals
    WHERE invited_id = ${invitedId} AND paid_at IS NULL FOR UPDATE`;
  if (row === undefined) return false;
  const bonus = Number(row.bonus);
  await movePg(tx, now, {
    userId: invitedId,
    kind: "grant",
    amount: bonus,
    heldDelta: 0,
    options: {
      idemKey: `referral:${invitedId}`,
      note: "referral bonus (invited)",
    },
  });
  await movePg(tx, now, {
    userId: Number(row.inviter_id),
    kind: "grant",
    amount: bonus,
    heldDelta: 0,
    options: {
      idemKey: `referral:${invitedId}:inviter`,
      note: `referral bonus (invited ${invitedId})`,
    },
  });
  await tx`UPDATE referrals SET paid_at = ${sqlTime(now)}
    WHERE invited_id = ${invitedId}`;
  return true;
}

/** The {@link ReferralStore} on PostgreSQL. */
export class PgReferralStore implements ReferralStore {
  readonly #sql: Sql;
  readonly #clock: Clock;
  readonly #bonus: number;

  constructor(sql: Sql, options: { clock: Clock; bonus: number }) {
    this.#sql = sql;
    this.#clock = options.clock;
    this.#bonus = options.bonus;
  }

  /** The bonus each side gets (0: referrals are off). */
  get bonus(): number {
    return this.#bonus;
  }

  register(
    inviterId: number,
    invitedId: number,
  ): Promise<ReferralRefusal | "recorded"> {
    const refused = refusalUpFront(this.#bonus, inviterId, invitedId);
    if (refused !== undefined) return Promise.resolve(refused);
    return this.#sql.begin(async (tx) => {
      const [inviter] = await tx`SELECT 1 FROM balances
        WHERE user_id = ${inviterId}`;
      if (inviter === undefined) return "unknown_inviter";
      // The invited user's row is locked: their first job cannot slip in.
      const [fresh] = await tx`SELECT 1 FROM balances b
        WHERE b.user_id = ${invitedId} AND b.welcomed_at IS NULL
          AND b.videos_created = 0
          AND NOT EXISTS (SELECT 1 FROM jobs WHERE user_id = b.user_id)
          AND NOT EXISTS (SELECT 1 FROM referrals
            WHERE invited_id = b.user_id)
        FOR UPDATE`;
      if (fresh === undefined) return "not_new";
      await tx`INSERT INTO referrals (invited_id, inviter_id, bonus, created_at)
        VALUES (${invitedId}, ${inviterId}, ${this.#bonus},
          ${sqlTime(this.#clock.now())})`;
      return "recorded";
    });
  }

  async counts(userId: number): Promise<ReferralCounts> {
    const [row] = await this.#sql`SELECT COUNT(*) AS invited,
        COUNT(paid_at) AS rewarded FROM referrals WHERE inviter_id = ${userId}`;
    return {
      invited: Number(row?.invited ?? 0),
      rewarded: Number(row?.rewarded ?? 0),
    };
  }
}

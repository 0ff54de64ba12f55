import type { DatabaseSync } from "node:sqlite";
import type { Clock } from "../clock.ts";
import { settled, transaction } from "../db/mod.ts";
import { sqlTime, type SyncLedger } from "../ledger/mod.ts";

/** How many users someone invited, and how many earned the bonus. */
export interface ReferralCounts {
  readonly invited: number;
  readonly rewarded: number;
}

/** Why an invitation was not recorded. */
export type ReferralRefusal = "self" | "unknown_inviter" | "not_new" | "off";

/**
 * The refusals known before the database is asked (both stores check them
 * first): referrals off, or a user inviting themselves.
 */
export function refusalUpFront(
  bonus: number,
  inviterId: number,
  invitedId: number,
): ReferralRefusal | undefined {
  if (bonus <= 0) return "off";
  if (inviterId === invitedId) return "self";
  return undefined;
}

// The code is the user id in base 36: stable, needs no table, and fits
// Telegram's start parameter ([A-Za-z0-9_-], at most 64 characters).
const CODE = /^[0-9a-z]{1,13}$/;

/** The referral code of a user. */
export function referralCode(userId: number): string {
  return userId.toString(36);
}

/** The user id of a `ref_<code>` start parameter, if it is one. */
export function parseReferral(startParameter: string): number | undefined {
  if (!startParameter.startsWith("ref_")) return undefined;
  const code = startParameter.slice(4);
  if (!CODE.test(code)) return undefined;
  const id = parseInt(code, 36);
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

/** The deep link that invites to the bot on behalf of `userId`. */
export function referralLink(botUsername: string, userId: number): string {
  return `https://t.me/${botUsername}?start=ref_${referralCode(userId)}`;
}

/**
 * Pays the referral bonus of `invitedId` to both sides, once: journal keys
 * `referral:<invited>` (the invited user) and `referral:<invited>:inviter`.
 * Runs inside the transaction that completes the invited user's job, so a
 * delivered first video and its bonus commit together. Returns whether it
 * paid now.
 */
export function payReferralBonus(
  db: DatabaseSync,
  options: { ledger: SyncLedger; invitedId: number; now: number },
): boolean {
  return transaction(db, () => {
    const row = db.prepare(
      `SELECT inviter_id, bonus FROM referrals
       WHERE invited_id = ? AND paid_at IS NULL`,
    ).get(options.invitedId);
    if (row === undefined) return false;
    const bonus = Number(row.bonus);
    const invited = options.invitedId;
    options.ledger.grant(invited, bonus, {
      idemKey: `referral:${invited}`,
      note: "referral bonus (invited)",
    });
    options.ledger.grant(Number(row.inviter_id), bonus, {
      idemKey: `referral:${invited}:inviter`,
      note: `referral bonus (invited ${invited})`,
    });
    db.prepare("UPDATE referrals SET paid_at = ? WHERE invited_id = ?")
      .run(sqlTime(options.now), invited);
    return true;
  });
}

/**
 * Invitations: the storage interface of both databases. Only a new user
 * (never welcomed, no video asked for yet) can be invited, once, and not
 * by themselves.
 */
export interface ReferralStore {
  /** The bonus each side gets (0: referrals are off). */
  readonly bonus: number;
  /** Records that `inviterId` invited `invitedId`, if the rules allow. */
  register(
    inviterId: number,
    invitedId: number,
  ): Promise<ReferralRefusal | "recorded">;
  /** How many users `userId` invited and how many earned the bonus. */
  counts(userId: number): Promise<ReferralCounts>;
}

/**
 * Invitations on SQLite: who brought whom. Only a new user (never welcomed, no video
 * asked for yet) can be invited, once, and not by themselves.
 */
export class SqliteReferralStore implements ReferralStore {
  readonly #db: DatabaseSync;
  readonly #clock: Clock;
  readonly #bonus: number;

  constructor(db: DatabaseSync, options: { clock: Clock; bonus: number }) {
    this.#db = db;
    this.#clock = options.clock;
    this.#bonus = options.bonus;
  }

  /** The bonus each side gets (0: referrals are off). */
  get bonus(): number {
    return this.#bonus;
  }

  /** Records that `inviterId` invited `invitedId`, if the rules allow. */
  register(
    inviterId: number,
    invitedId: number,
  ): Promise<ReferralRefusal | "recorded"> {
    const refused = refusalUpFront(this.#bonus, inviterId, invitedId);
    if (refused !== undefined) return Promise.resolve(refused);
    return settled(() => this.#register(inviterId, invitedId));
  }

  #register(
    inviterId: number,
    invitedId: number,
  ): ReferralRefusal | "recorded" {
    return transaction(this.#db, () => {
      const inviter = this.#db.prepare(
        "SELECT 1 FROM balances WHERE user_id = ?",
      ).get(inviterId);
      if (inviter === undefined) return "unknown_inviter";
      const fresh = this.#db.prepare(
        `SELECT 1 FROM balances b WHERE b.user_id = ? AND b.welcomed_at IS NULL
           AND b.videos_created = 0
           AND NOT EXISTS (SELECT 1 FROM jobs WHERE user_id = b.user_id)
           AND NOT EXISTS (SELECT 1 FROM referrals WHERE invited_id = b.user_id)`,
      ).get(invitedId);
      if (fresh === undefined) return "not_new";
      this.#db.prepare(
        `INSERT INTO referrals (invited_id, inviter_id, bonus, created_at)
         VALUES (?, ?, ?, ?)`,
      ).run(invitedId, inviterId, this.#bonus, sqlTime(this.#clock.now()));
      return "recorded";
    });
  }

  /** How many users `userId` invited and how many of them earned the bonus. */
  counts(userId: number): Promise<ReferralCounts> {
    return settled(() => this.#counts(userId));
  }

  #counts(userId: number): ReferralCounts {
    const row = this.#db.prepare(
      `SELECT COUNT(*) AS invited, COUNT(paid_at) AS rewarded FROM referrals
       WHERE inviter_id = ?`,
    ).get(userId);
    return {
      invited: Number(row?.invited ?? 0),
      rewarded: Number(row?.rewarded ?? 0),
    };
  }
}

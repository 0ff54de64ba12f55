import { pluralEn } from "./plural.ts";
import type { MoneyMessages } from "./money_ru.ts";

const tokens = (n: number) => `${n} ${pluralEn(n, "token", "tokens")}`;
const people = (n: number) => `${n} ${pluralEn(n, "person", "people")}`;

/** English texts of payments (Telegram Stars) and referrals. */
export const moneyEn: MoneyMessages = {
  packButton: (p) => `💎 ${tokens(p.tokens)} · ${p.stars} ⭐`,
  packsTitle: `\n\n⭐ Top up with Telegram Stars:`,
  invoiceTitle: (p) => `${tokens(p.tokens)}`,
  invoiceDescription: (p) =>
    `${tokens(p.tokens)} for making videos in the bot ` +
    `(enough for ${p.videos} videos of 10 seconds).`,
  invoiceLabel: (p) => `${tokens(p.tokens)}`,
  packGone:
    `This pack is no longer on sale. Open your balance and pick another.`,
  notYours: `This invoice was issued to another user.`,
  purchased: (p) =>
    `✅ Payment received: +${tokens(p.tokens)}.\n` +
    `💰 Balance: ${tokens(p.balance)}. Send a photo to make a video.`,
  paysupport: (p) =>
    `💳 Payment support\n\n` +
    `If you paid and got no tokens, or want the Stars back for tokens you ` +
    `have not used, write to ` +
    (p.admin ? `the admin: ${p.admin}` : `the bot's admin`) +
    ` with the payment ID from Telegram's receipt.\nWe answer within 2 ` +
    `working days. Terms: /terms.`,
  terms: (p) =>
    `📄 Terms\n\n` +
    `1. Tokens are bought with Telegram Stars and spent on videos in this ` +
    `bot; they cannot be exchanged for money.\n` +
    `2. If a video fails, its tokens come back automatically.\n` +
    `3. Stars for unused tokens are refunded on request within 21 days of ` +
    `the payment (/paysupport); spent tokens are not refunded.\n` +
    `4. Do not send photos of people without their consent or forbidden ` +
    `content; such requests are refused without a refund.\n` +
    `5. The bot may be briefly unavailable; unfinished videos are ` +
    `completed or refunded.` +
    (p.admin ? `\n\n📬 Questions: ${p.admin}` : ""),
  inviteButton: `🎁 Invite a friend`,
  shareButton: `📤 Share the link`,
  shareText: `Bring your photo to life: this bot turns a photo into a video 🎬`,
  invite: (p) =>
    `🎁 Invite a friend\n\n` +
    `When a friend comes through your link and makes their first video, ` +
    `you both get ${tokens(p.bonus)}.\n\nYour link:\n${p.link}`,
  referrals: (p) =>
    `\n👥 Invited: ${people(p.invited)}, bonus earned for ` +
    `${people(p.rewarded)}.`,
  referralBonus: (p) =>
    `🎁 Referral bonus: +${tokens(p.bonus)}!\n` +
    `💰 Balance: ${tokens(p.balance)}.`,
};

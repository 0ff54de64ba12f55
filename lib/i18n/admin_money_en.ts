import { pluralEn } from "./plural.ts";
import type { AdminMoneyMessages } from "./admin_money_ru.ts";

const tokens = (n: number) => `${n} ${pluralEn(n, "token", "tokens")}`;
const users = (n: number) => `${n} ${pluralEn(n, "user", "users")}`;

/** English texts of /refund, /broadcast and /grant_all. */
export const adminMoneyEn: AdminMoneyMessages = {
  refundUsage: `Usage: /refund CHARGE_ID\n` +
    `CHARGE_ID is the telegram_payment_charge_id of the payment's receipt.`,
  refundUnknown: (p) => `Payment ${p.charge} not found.`,
  refundAlready: (p) =>
    `Payment ${p.charge} was refunded already (${tokens(p.taken)} taken).`,
  refundSpent: (p) =>
    `⚠️ ${p.name} (ID ${p.id}) bought ${tokens(p.tokens)}, but only ` +
    `${tokens(p.available)} are left; the rest is spent.\n` +
    `Refund the Stars and take ${tokens(p.available)}?`,
  refundConfirm: `↩️ Yes, refund the Stars`,
  refundDone: (p) =>
    `✅ ${p.stars} ⭐ refunded: ${p.name} (ID ${p.id}). ` +
    `${tokens(p.taken)} taken, balance: ${tokens(p.balance)}.`,
  refundFailed: (p) => `❌ Telegram refused the refund: ${p.reason}`,
  refundedUser: (p) =>
    `↩️ ${p.stars} ⭐ refunded to you, ${tokens(p.taken)} taken. ` +
    `Balance: ${tokens(p.balance)}.`,
  broadcastUsage: `Reply with /broadcast to the message to send to all users.`,
  broadcastAgain: `This message is being broadcast or was broadcast already.`,
  broadcastStarted: (p) => `📣 Broadcast started: ${users(p.total)}.`,
  broadcastProgress: (p) =>
    `📣 Broadcast: ${p.done} of ${p.total} · ✅ ${p.sent} · ` +
    `🚫 ${p.blocked} · ⚠️ ${p.failed}`,
  broadcastDone: (p) =>
    `📣 Broadcast finished: ${users(p.total)}.\n` +
    `✅ Delivered: ${p.sent}\n🚫 Blocked the bot: ${p.blocked}\n` +
    `⚠️ Failed: ${p.failed}`,
  grantAllUsage: `Usage: /grant_all AMOUNT\nFor example: /grant_all 20`,
  grantAllDone: (p) =>
    `🎁 Granted ${tokens(p.amount)} each: ${users(p.users)}.`,
  referrals: (p) => `👥 Invited: ${p.invited}, with bonus: ${p.rewarded}`,
};

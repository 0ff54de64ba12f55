import { pluralRu } from "./plural.ts";

const tokens = (n: number) =>
  `${n} ${pluralRu(n, "токен", "токена", "токенов")}`;
const users = (n: number) =>
  `${n} ${pluralRu(n, "пользователь", "пользователя", "пользователей")}`;

/** Russian texts of /refund, /broadcast and /grant_all. */
export const adminMoneyRu = {
  refundUsage: `Использование: /refund CHARGE_ID\n` +
    `CHARGE_ID — telegram_payment_charge_id из чека платежа.`,
  refundUnknown: (p: { charge: string }) => `Платёж ${p.charge} не найден.`,
  refundAlready: (p: { charge: string; taken: number }) =>
    `Платёж ${p.charge} уже возвращён (списано ${tokens(p.taken)}).`,
  refundSpent: (
    p: { name: string; id: number; tokens: number; available: number },
  ) =>
    `⚠️ ${p.name} (ID ${p.id}) купил ${tokens(p.tokens)}, но на балансе ` +
    `осталось только ${tokens(p.available)} — остальное уже потрачено.\n` +
    `Вернуть звёзды и списать ${tokens(p.available)}?`,
  refundConfirm: `↩️ Да, вернуть звёзды`,
  refundDone: (
    p: {
      name: string;
      id: number;
      stars: number;
      taken: number;
      balance: number;
    },
  ) =>
    `✅ ${p.stars} ⭐ возвращены: ${p.name} (ID ${p.id}). ` +
    `Списано ${tokens(p.taken)}, баланс: ${tokens(p.balance)}.`,
  refundFailed: (p: { reason: string }) =>
    `❌ Telegram отказал в возврате: ${p.reason}`,
  refundedUser: (p: { stars: number; taken: number; balance: number }) =>
    `↩️ Вам возвращено ${p.stars} ⭐, списано ${tokens(p.taken)}. ` +
    `Баланс: ${tokens(p.balance)}.`,
  broadcastUsage: `Ответьте командой /broadcast на сообщение, которое ` +
    `нужно разослать всем пользователям.`,
  broadcastAgain: `Это сообщение уже рассылается или разослано.`,
  broadcastStarted: (p: { total: number }) =>
    `📣 Рассылка начата: ${users(p.total)}.`,
  broadcastProgress: (
    p: {
      done: number;
      total: number;
      sent: number;
      blocked: number;
      failed: number;
    },
  ) =>
    `📣 Рассылка: ${p.done} из ${p.total} · ✅ ${p.sent} · ` +
    `🚫 ${p.blocked} · ⚠️ ${p.failed}`,
  broadcastDone: (
    p: { total: number; sent: number; blocked: number; failed: number },
  ) =>
    `📣 Рассылка завершена: ${users(p.total)}.\n` +
    `✅ Доставлено: ${p.sent}\n🚫 Заблокировали бота: ${p.blocked}\n` +
    `⚠️ Ошибок: ${p.failed}`,
  grantAllUsage: `Использование: /grant_all AMOUNT\nНапример: /grant_all 20`,
  grantAllDone: (p: { amount: number; users: number }) =>
    `🎁 Начислено по ${tokens(p.amount)}: ${users(p.users)}.`,
  referrals: (p: { invited: number; rewarded: number }) =>
    `👥 Пригласил: ${p.invited}, из них с бонусом: ${p.rewarded}`,
};

/** The shape of {@link adminMoneyRu}, which every locale mirrors. */
export type AdminMoneyMessages = typeof adminMoneyRu;

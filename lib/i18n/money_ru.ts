import { pluralRu } from "./plural.ts";

const tokens = (n: number) =>
  `${n} ${pluralRu(n, "токен", "токена", "токенов")}`;
const people = (n: number) =>
  `${n} ${pluralRu(n, "человек", "человека", "человек")}`;

/** Russian texts of payments (Telegram Stars) and referrals. */
export const moneyRu = {
  packButton: (p: { tokens: number; stars: number }) =>
    `💎 ${tokens(p.tokens)} · ${p.stars} ⭐`,
  packsTitle: `\n\n⭐ Пополнить баланс за Telegram Stars:`,
  invoiceTitle: (p: { tokens: number }) => `${tokens(p.tokens)}`,
  invoiceDescription: (p: { tokens: number; videos: number }) =>
    `${tokens(p.tokens)} для создания видео в боте ` +
    `(хватит на ${p.videos} видео по 10 секунд).`,
  invoiceLabel: (p: { tokens: number }) => `${tokens(p.tokens)}`,
  packGone:
    `Этот пакет больше не продаётся. Откройте баланс и выберите другой.`,
  notYours: `Этот счёт выставлен другому пользователю.`,
  purchased: (p: { tokens: number; balance: number }) =>
    `✅ Оплата получена: +${tokens(p.tokens)}.\n` +
    `💰 Баланс: ${tokens(p.balance)}. Пришлите фото, чтобы создать видео.`,
  paysupport: (p: { admin: string }) =>
    `💳 Поддержка по платежам\n\n` +
    `Если оплата прошла, а токены не пришли, или вы хотите вернуть ` +
    `звёзды за неиспользованные токены, напишите ` +
    (p.admin ? `администратору: ${p.admin}` : `администратору бота`) +
    ` и приложите ID платежа из чека Telegram.\nМы отвечаем в течение ` +
    `2 рабочих дней. Условия — /terms.`,
  terms: (p: { admin: string }) =>
    `📄 Условия\n\n` +
    `1. Токены покупаются за Telegram Stars и тратятся на создание видео ` +
    `в этом боте; на деньги они не обмениваются.\n` +
    `2. Если видео не получилось, его токены возвращаются автоматически.\n` +
    `3. Звёзды за неиспользованные токены можно вернуть по запросу в ` +
    `течение 21 дня после оплаты (/paysupport); потраченные токены не ` +
    `возвращаются.\n` +
    `4. Не присылайте чужие фото без согласия изображённых людей и ` +
    `запрещённый контент — такие запросы отклоняются без возврата.\n` +
    `5. Бот может быть временно недоступен; незавершённые видео ` +
    `доделываются или возвращаются.` +
    (p.admin ? `\n\n📬 Вопросы: ${p.admin}` : ""),
  inviteButton: `🎁 Пригласить друга`,
  shareButton: `📤 Поделиться ссылкой`,
  shareText: `Оживи своё фото: бот превращает фотографию в видео 🎬`,
  invite: (p: { link: string; bonus: number }) =>
    `🎁 Пригласите друга\n\n` +
    `Когда друг придёт по вашей ссылке и создаст первое видео, вы оба ` +
    `получите по ${tokens(p.bonus)}.\n\nВаша ссылка:\n${p.link}`,
  referrals: (p: { invited: number; rewarded: number }) =>
    `\n👥 Приглашено: ${people(p.invited)}, бонус получен за ` +
    `${people(p.rewarded)}.`,
  referralBonus: (p: { bonus: number; balance: number }) =>
    `🎁 Бонус за приглашение: +${tokens(p.bonus)}!\n` +
    `💰 Баланс: ${tokens(p.balance)}.`,
};

/** The shape of {@link moneyRu}, which every locale mirrors. */
export type MoneyMessages = typeof moneyRu;

import { pluralRu } from "./plural.ts";

const tokensRu = (n: number) => pluralRu(n, "токен", "токена", "токенов");

/** Russian texts of issue 17's features: bans, groups, albums, sharing. */
export const featuresRu = {
  aspectPhoto: `Как на фото`,
  aspectLine: (p: { ratio: string }) => `📐 Формат: ${p.ratio}`,
  albumConfirm: (
    p: {
      count: number;
      duration: number;
      quality: string;
      px: number;
      total: number;
      after: number;
    },
  ) =>
    `📸 Альбом: ${p.count} фото — ${p.count} видео\n\n` +
    `⏱ Длительность: ${p.duration} с\n` +
    `🖼 Качество: ${p.quality} (${p.px} px)\n` +
    `💰 Стоимость: ${p.total} ${tokensRu(p.total)}\n` +
    `💳 Баланс после: ${p.after} ${tokensRu(p.after)}`,
  albumLine: (p: { count: number }) =>
    `📸 Альбом: ${p.count} фото — ${p.count} видео`,
  albumGo: (p: { count: number }) => `✅ Создать ${p.count} видео`,
  albumStarted: (p: { count: number }) =>
    `✅ Запускаю ${p.count} видео: они пойдут по очереди.`,
  albumCancelled: `Альбом отменён, ничего не списано.`,
  banned: `⛔ Доступ к боту для вас закрыт.`,
  banUsage: `Использование: /ban USER_ID [причина]\n` +
    `Например: /ban 423721043 спам`,
  unbanUsage: `Использование: /unban USER_ID\nНапример: /unban 423721043`,
  banAdmin: `Администратора заблокировать нельзя.`,
  bannedDone: (p: { id: number; reason: string }) =>
    `⛔ Пользователь ${p.id} заблокирован. Причина: ${p.reason}`,
  unbanned: (p: { id: number }) => `✅ Пользователь ${p.id} разблокирован.`,
  notBanned: (p: { id: number }) => `Пользователь ${p.id} не заблокирован.`,
  banLine: (p: { by: number; at: string; reason: string }) =>
    `⛔ Заблокирован ${p.at} (админ ${p.by}). Причина: ${p.reason}`,
  inlineEmptyButton: `🎬 Видео пока нет — создать первое`,
  inlineTitle: (p: { duration: number; quality: string }) =>
    `🎬 Видео ${p.duration} с · ${p.quality}`,
  groupStart: (p: { link: string }) =>
    `🎬 Чтобы сделать видео, откройте бота и пополните баланс: ${p.link}`,
  groupStarted: `🎬 Делаю видео, пришлю сюда.`,
  groupUsage: `Ответьте командой /animate на сообщение с фото.`,
  groupOff: `🔕 /animate выключен в этой группе.`,
  groupOn: `🔔 /animate снова включён в этой группе.`,
  groupNotAdmin:
    `Включать и выключать /animate может только администратор группы.`,
};

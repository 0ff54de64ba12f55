import { adminMoneyRu } from "./admin_money_ru.ts";
import { pluralRu } from "./plural.ts";

const tokens = (n: number) =>
  `${n} ${pluralRu(n, "токен", "токена", "токенов")}`;
const signed = (n: number) => (n > 0 ? `+${n}` : n < 0 ? `−${-n}` : "0");

/** Russian texts of the admin commands. */
export const adminRu = {
  addUsage: `Использование: /addtokens USER_ID AMOUNT\n` +
    `Например: /addtokens 423721043 100\n` +
    `Отрицательное AMOUNT списывает (чтобы исправить ошибку), ` +
    `но баланс не уходит ниже нуля.`,
  userUsage: `Использование: /user USER_ID\nНапример: /user 423721043`,
  noUser: (p: { id: number }) => `Пользователь ${p.id} не найден.`,
  added: (p: { id: number; name: string; applied: number; balance: number }) =>
    `✅ ${p.name} (ID ${p.id}): ${signed(p.applied)} ` +
    `${pluralRu(p.applied, "токен", "токена", "токенов")}.\n` +
    `💰 Новый баланс: ${tokens(p.balance)}.`,
  clamped: (p: { requested: number }) =>
    `Запрошено ${signed(p.requested)}, но баланс не может уйти ниже нуля.`,
  nothingToTake: (p: { id: number; name: string }) =>
    `У ${p.name} (ID ${p.id}) баланс уже 0 — списывать нечего.`,
  notified: `📬 Пользователь получил уведомление.`,
  notifyFailed: `⚠️ Уведомить пользователя не удалось ` +
    `(он не начинал диалог с ботом или заблокировал его).`,
  received: (p: { amount: number; balance: number }) =>
    `🎁 Вам начислено ${tokens(p.amount)}!\n` +
    `💰 Баланс: ${tokens(p.balance)}. Пришлите фото, чтобы создать видео.`,
  usersTitle: `📋 Пользователи:`,
  userCard: (
    p: {
      name: string;
      id: number;
      username: string | undefined;
      tokens: number;
      videos: number;
      since: string | undefined;
    },
  ) =>
    `👤 ${p.name}\n   ID: ${p.id}\n` +
    (p.username ? `   @${p.username}\n` : "") +
    `   💰 Токенов: ${p.tokens}\n   🎬 Видео: ${p.videos}` +
    (p.since ? `\n   📅 С ${p.since}` : ""),
  usersTotal: (p: { total: number; page: number; pages: number }) =>
    `📊 Всего пользователей: ${p.total}` +
    (p.pages > 1 ? `\nСтраница ${p.page} из ${p.pages}` : ""),
  usersEmpty: `Пользователей пока нет.`,
  unnamed: `без имени`,
  detail: (
    p: {
      name: string;
      id: number;
      username: string | undefined;
      tokens: number;
      held: number;
      spent: number;
      videos: number;
      language: string;
      since: string | undefined;
      seen: string | undefined;
    },
  ) =>
    `👤 ${p.name}\nID: ${p.id}` +
    (p.username ? `\n@${p.username}` : "") +
    `\n\n💰 Токенов: ${p.tokens}` +
    (p.held > 0 ? ` (в резерве ещё ${p.held})` : "") +
    `\n💸 Потрачено: ${tokens(p.spent)}\n🎬 Видео: ${p.videos}` +
    `\n🌐 Язык: ${p.language}` +
    (p.since ? `\n📅 С ${p.since}` : "") +
    (p.seen ? `\n🕒 Последняя активность: ${p.seen}` : ""),
  journalTitle: `📒 Последние движения токенов:`,
  journalLine: (
    p: { when: string; kind: string; amount: number; after: number },
  ) => `• ${p.when} ${p.kind} ${signed(p.amount)} → ${p.after}`,
  journalEmpty: `• движений нет`,
  jobsTitle: `🎬 Последние задачи:`,
  jobLine: (
    p: {
      when: string;
      duration: number;
      quality: string;
      cost: number;
      state: string;
      seconds: number | undefined;
    },
  ) =>
    `• ${p.when} ${p.duration} сек, ${p.quality}, ${tokens(p.cost)} — ` +
    `${p.state}` + (p.seconds === undefined ? "" : ` (${p.seconds} сек)`),
  jobsEmpty: `• задач нет`,
  kinds: {
    import: "перенос",
    grant: "бонус",
    hold: "резерв",
    capture: "списание",
    release: "возврат",
    adjust: "корректировка",
    purchase: "покупка",
    refund: "возврат",
  },
  states: {
    queued: "в очереди",
    submitted: "отправлена",
    running: "в работе",
    delivering: "отправляется",
    done: "готово",
    failed: "ошибка",
    cancelled: "отменена",
    refunded: "возвращена",
  },
  stats: (
    p: {
      users: number;
      newUsers: number;
      today: number;
      week: number;
      all: number;
      spent: number;
      held: number;
      failedWeek: number;
      failedAll: number;
      active: number;
      lines: string;
      overall: string;
    },
  ) =>
    `📊 Статистика бота\n\n` +
    `👥 Пользователей: ${p.users} (новых за 7 дней: ${p.newUsers})\n` +
    `🎬 Видео: сегодня ${p.today}, за 7 дней ${p.week}, всего ${p.all}\n` +
    `⏳ Сейчас в работе: ${p.active}\n` +
    `💰 Списано: ${tokens(p.spent)}` +
    (p.held > 0 ? ` (в резерве: ${tokens(p.held)})` : "") +
    `\n❌ Сбоев: за 7 дней ${p.failedWeek}, всего ${p.failedAll}\n\n` +
    `⏱ Среднее время обработки:\n${p.lines}\nВ целом: ${p.overall}`,
  backendsTitle: `🖥 Серверы обработки:`,
  backendLine: (
    p: {
      name: string;
      kind: string;
      up: boolean;
      active: number;
      concurrency: number;
      queue: string;
      done: number;
      failures: number;
      mean: string;
      error: string;
    },
  ) =>
    `${p.up ? "🟢" : "🔴"} ${p.name} (${p.kind}) — ${
      p.up ? "работает" : "недоступен"
    }
` +
    `   задач сейчас: ${p.active}/${p.concurrency}, очередь ComfyUI: ${p.queue}
` +
    `   готово: ${p.done}, сбоев: ${p.failures}, среднее время: ${p.mean}` +
    (p.error ? `\n   последняя ошибка: ${p.error}` : ""),
  backendWorkflow: (
    p: {
      workflow: string;
      state: "all" | "missing" | "unlisted" | "unknown" | "noImage";
      missing: string;
      off: string;
      error: string;
    },
  ) =>
    `   workflow «${p.workflow}»: ` + ({
      all: `принимает все настроенные входы`,
      missing: `не принимает ${p.missing} — видео делаются без них ` +
        `(нужны узлы с тегами в названии, см. docs/migrating-from-python.md)`,
      unlisted: `плагин не умеет перечислять входы (старая версия) — ` +
        `отправляются все настроенные`,
      unknown: `входы ещё не известны${p.error ? ` (${p.error})` : ""}`,
      noImage: `нет узла «Load Image $image» для фото — задачи не выполнятся`,
    }[p.state] ?? "") + (p.off ? `\n   выключено в настройках: ${p.off}` : ""),
  backendsNone: `Серверы не настроены.`,
  money: adminMoneyRu,
  dashboardLink: (p: { url: string }) =>
    `📊 Панель: ${p.url}\n` +
    `Ссылка одноразовая и действует 10 минут; не пересылайте её.`,
  dashboardOff: `Панель недоступна: задайте HTTP_PORT (и DASHBOARD_URL ` +
    `для адреса за прокси).`,
};

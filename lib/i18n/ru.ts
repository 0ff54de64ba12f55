import { adminRu } from "./admin_ru.ts";
import { featuresRu } from "./features_ru.ts";
import { moneyRu } from "./money_ru.ts";
import { pluralRu } from "./plural.ts";

const tokens = (n: number) =>
  `${n} ${pluralRu(n, "токен", "токена", "токенов")}`;
const videos = (n: number) => `${n} видео`;
const seconds = (n: number) =>
  `${n} ${pluralRu(n, "секунда", "секунды", "секунд")}`;

const QUALITY: Record<string, string> = {
  low: "низкое",
  medium: "среднее",
  high: "высокое",
};
const quality = (q: string) => QUALITY[q] ?? q;

/** Russian texts, the default locale. */
export const ru = {
  /** The menu button that switches to the other language. */
  switchLanguage: { to: "en" as "ru" | "en", label: "🇬🇧 English" },
  buttons: {
    create: "🎬 Создать видео",
    quick: "⚡ Быстрый режим",
    balance: "💰 Баланс",
    stats: "📊 Статистика",
    help: "❓ Помощь",
    menu: "🏠 Главное меню",
    createMore: "🎬 Создать ещё",
    back: "« Назад",
    cancel: "✖ Отмена",
    confirm: "✅ Создать видео",
    prev: "◀",
    next: "▶",
    duration: (p: { duration: number; cost: number }) =>
      `${p.duration} сек · ${tokens(p.cost)}`,
    quality: (p: { quality: string; px: number }) =>
      `${QUALITY[p.quality] ?? p.quality} · ${p.px} px`,
  },
  tokens,
  quality,
  welcomeNew: (p: { name: string; bonus: number; videos: number }) =>
    `👋 Привет, ${p.name}!\n\n` +
    `🎬 Я превращаю фотографию в короткое видео с анимацией.\n` +
    (p.bonus > 0
      ? `🎁 Вам начислен бонус: ${tokens(p.bonus)}.\n` +
        `📸 Этого хватит на ${videos(p.videos)} по 10 секунд — ` +
        `просто пришлите фото.`
      : `💰 Чтобы начать, пополните баланс у администратора.\n` +
        `📸 Потом просто пришлите фото.`),
  menu: (p: { balance: number }) =>
    `🎬 Главное меню\n\n💰 Баланс: ${tokens(p.balance)}\n\n` +
    `Пришлите фото — и я сделаю из него видео (быстрый режим), ` +
    `или выберите действие:`,
  askPhotoQuick:
    `⚡ Быстрый режим: 10 секунд, среднее качество.\n\n📸 Пришлите фотографию.`,
  askPhotoCreate: `🎬 Создание видео\n\n📸 Пришлите фотографию для анимации.`,
  wizard: {
    photo: `🎬 Создание видео · шаг 1 из 5\n\n` +
      `📸 Пришлите фотографию, которую нужно оживить.`,
    duration: (p: { balance: number }) =>
      `🎬 Создание видео · шаг 3 из 5\n\n` +
      `⏱ Выберите длительность видео.\n💰 Ваш баланс: ${tokens(p.balance)}`,
    quality: (p: { duration: number }) =>
      `🎬 Создание видео · шаг 4 из 5\n\n` +
      `⏱ Длительность: ${seconds(p.duration)}\n\n` +
      `🖼 Выберите качество. Чем оно выше, тем дольше обработка; ` +
      `цена не меняется.`,
    confirm: (
      p: {
        duration: number;
        quality: string;
        px: number;
        cost: number;
        balance: number;
        eta: string;
      },
    ) =>
      `🎬 Создание видео · шаг 5 из 5\n\nПроверьте настройки:\n\n` +
      `⏱ Длительность: ${seconds(p.duration)}\n` +
      `🖼 Качество: ${quality(p.quality)} (${p.px} px)\n` +
      `💰 Стоимость: ${tokens(p.cost)}\n` +
      (p.balance >= p.cost
        ? `💳 Баланс после: ${tokens(p.balance - p.cost)}\n`
        : `💳 На балансе ${tokens(p.balance)} — не хватает ` +
          `${tokens(p.cost - p.balance)}\n`) +
      `⏳ Примерное время обработки: ${p.eta}`,
    started: (p: { duration: number; quality: string; cost: number }) =>
      `✅ Запускаю: ${seconds(p.duration)}, ${quality(p.quality)} качество, ` +
      `${tokens(p.cost)}.\n\nПрогресс — в следующем сообщении.`,
    photoReplaced: `🔄 Фото заменено, настройки сохранены.`,
    useButtons: `👆 Выберите вариант кнопками ниже.`,
    waitingPhoto: `📸 Жду фотографию: пришлите её как фото или файлом ` +
      `(JPEG, PNG, WebP).`,
  },
  /** `packs`: Stars packs are on sale (their buttons are under the text). */
  notEnough: (
    p: { needed: number; balance: number; admin: string; packs: boolean },
  ) =>
    `😔 Недостаточно токенов.\n\n` +
    `Нужно: ${tokens(p.needed)}, у вас: ${tokens(p.balance)}.\n` +
    (p.packs
      ? `Пополните баланс: выберите пакет токенов кнопкой ниже.`
      : `Чтобы пополнить баланс, напишите администратору${p.admin}.`),
  adminContact: (p: { link: string }) => `: ${p.link}`,
  queued: (p: { position: number; eta: string }) =>
    `⏳ Вы №${p.position} в очереди. Примерное ожидание: ${p.eta}.`,
  progress: (
    p: { spinner: string; bar: string; percent: number; eta: string },
  ) =>
    `${p.spinner} Создаю видео...\n\n${p.bar} ${p.percent}%\n` +
    `⏱ Осталось примерно: ${p.eta}`,
  progressOverdue: (p: { spinner: string; bar: string; percent: number }) =>
    `${p.spinner} Создаю видео...\n\n${p.bar} ${p.percent}%\n` +
    `⏱ Получается дольше обычного, почти готово.`,
  resumed:
    `🔄 Бот перезапускался — продолжаю работу над вашим видео, токены на месте.`,
  paused:
    `⏸ Бот перезапускается. Ваше видео не потеряется: продолжу, как только вернусь.`,
  cancelled: (p: { cost: number }) =>
    `✖ Создание видео отменено. Токены возвращены: ${tokens(p.cost)}.`,
  refused: (p: { reason: string }) =>
    `🚫 Не могу сделать видео из этого файла.\n\n${p.reason}\n\nТокены не списаны.`,
  previewTag: "🧪 Предпросмотр (не ИИ)",
  previewNote:
    "🧪 Это предпросмотр, а не ИИ: простая анимация фото без нейросети. Настоящее видео появится, когда администратор подключит сервер ComfyUI.",
  starting: `⏳ Принял фото, начинаю обработку...`,
  caption: (p: { duration: number; quality: string; link: string }) =>
    `✨ Ваше видео готово!\n⏱ ${seconds(p.duration)} · качество: ` +
    `${quality(p.quality)}\n\n🤖 Создано в ${p.link}`,
  doneNote: (p: { cost: number; balance: number }) =>
    `✅ Готово! Списано: ${tokens(p.cost)}. Баланс: ${tokens(p.balance)}.`,
  failed: (p: { reason: string }) =>
    `❌ Не удалось создать видео.\n\n${p.reason}\n\n` +
    `Токены не списаны — можно попробовать ещё раз.`,
  reasons: {
    unreachable: "Сервер обработки сейчас недоступен.",
    http: "Сервер обработки отклонил задачу.",
    timeout: "Сервер обработки не успел сделать видео вовремя.",
    job_failed: "Во время обработки на сервере произошла ошибка.",
    bad_output: "Сервер вернул повреждённое видео.",
    no_result: "Сервер не вернул результат.",
    photo: "Не удалось загрузить фотографию из Telegram.",
    too_small:
      "Фотография слишком маленькая: по меньшей стороне нужно не меньше 64 пикселей.",
    too_large:
      "У фотографии слишком большое разрешение (больше 40 мегапикселей).",
    too_big:
      "Готовое видео больше 50 МБ — Telegram не даёт боту отправить такой файл. Администратор уже знает.",
    lost: "Сервер обработки потерял задачу после перезапуска.",
    not_image: "Файл не похож на изображение (нужен JPEG, PNG или WebP).",
    send: "Telegram не принял готовое видео.",
    restarted: "Бот перезапускался во время обработки.",
    internal: "Внутренняя ошибка бота.",
  },
  jobCancel: {
    cancelled: "✖ Видео отменено, токены возвращены.",
    not_found: "Это видео уже не найти.",
    too_late: "Поздно отменять: видео уже готово или отправляется.",
  },
  groupHint: (p: { link: string }) =>
    `🎬 Видео из фото я делаю в личном чате: ${p.link}`,
  notImage:
    `🤔 Это не похоже на фотографию. Пришлите фото (JPEG, PNG или WebP).`,
  tooBig: (p: { limit: number }) =>
    `📦 Файл слишком большой. Пришлите фото до ${p.limit} МБ.`,
  balance: (p: { balance: number; held: number; options: string }) =>
    `💰 Ваш баланс: ${tokens(p.balance)}` +
    (p.held > 0
      ? `\n⏳ Зарезервировано под видео в работе: ${tokens(p.held)}`
      : "") +
    `\n\nЭтого хватит на:\n${p.options}`,
  balanceLine: (p: { duration: number; count: number; cost: number }) =>
    `• ${videos(p.count)} по ${p.duration} сек (${tokens(p.cost)} за видео)`,
  help: (p: { prices: string; admin: string }) =>
    `❓ Как это работает\n\n` +
    `1. Пришлите фотографию — получите видео 10 секунд среднего ` +
    `качества (быстрый режим).\n` +
    `2. Или нажмите «🎬 Создать видео», чтобы выбрать длительность ` +
    `(5, 10 или 15 секунд) и качество (300, 600 или 832 px).\n` +
    `3. Подождите пару минут — прогресс видно в сообщении.\n\n` +
    `💰 Цены:\n${p.prices}\nКачество на цену не влияет.\n\n` +
    `Если что-то пошло не так, токены возвращаются автоматически.` +
    (p.admin ? `\n\n📬 Пополнить баланс и задать вопрос: ${p.admin}` : ""),
  priceLine: (p: { duration: number; cost: number }) =>
    `• ${p.duration} сек — ${tokens(p.cost)}`,
  statsScreen: (p: { videos: number; lines: string; overall: string }) =>
    `📊 Статистика\n\nВы создали: ${videos(p.videos)}\n\n` +
    `Среднее время обработки:\n${p.lines}\nВ целом: ${p.overall}`,
  statsLine: (
    p: { duration: number; quality: string; time: string; count: number },
  ) => `• ${p.duration} сек, ${quality(p.quality)}: ${p.time} (${p.count} шт.)`,
  statsEmpty: "• пока нет данных",
  statsNone: "нет данных",
  languageSet: "Язык: русский",
  unknown:
    `Я понимаю только фотографии и кнопки. Нажмите /start, чтобы открыть меню.`,
  stale: "Эта кнопка устарела.",
  cooldown: (p: { seconds: number }) =>
    `⏸ Прошлый файл не подошёл. Следующее фото я посмотрю через ${p.seconds} с.`,
  busy: (p: { limit: number }) =>
    `⏳ У вас уже ${videos(p.limit)} в работе. ` +
    `Дождитесь ${p.limit === 1 ? "его" : "их"} и пришлите фото снова.`,
  sorry: `😔 Что-то пошло не так. Попробуйте ещё раз чуть позже.`,
  durationUnit: (n: number) => `${n} сек`,
  minutes: (p: { m: number; s: number }) =>
    p.m > 0 ? `${p.m} мин ${p.s} сек` : `${p.s} сек`,
  date: (p: { y: string; m: string; d: string }) => `${p.d}.${p.m}.${p.y}`,
  commands: {
    start: "Главное меню",
    addtokens: "Начислить токены: USER_ID AMOUNT",
    users: "Пользователи",
    user: "Пользователь: USER_ID",
    stats: "Статистика бота",
    backends: "Серверы обработки",
    refund: "Вернуть звёзды: CHARGE_ID",
    broadcast: "Разослать (ответом на сообщение)",
    grant_all: "Начислить всем: AMOUNT",
    paysupport: "Поддержка по платежам",
    terms: "Условия",
    dashboard: "Панель в браузере (ссылка на 10 минут)",
    ban: "Заблокировать: USER_ID [причина]",
    unban: "Разблокировать: USER_ID",
  },
  admin: adminRu,
  features: featuresRu,
  money: moneyRu,
  motion: {
    /** Which text of a preset (lib/prompts/presets.ts) this locale shows. */
    presetLanguage: "ru" as "ru" | "en",
    step: `🎬 Создание видео · шаг 2 из 5\n\n` +
      `🎭 Как должно двигаться видео?\n\n` +
      `Выберите стиль, напишите своё описание одним сообщением ` +
      `(например: «она улыбается и машет рукой», «камера облетает ` +
      `вокруг») или оставьте «Автоматически».`,
    auto: "🤖 Автоматически",
    line: (p: { prompt: string | undefined }) =>
      `🎭 Движение: ${p.prompt ?? "автоматически"}`,
    caption: (p: { prompt: string }) => `🎭 ${p.prompt}`,
    typeHint: `✍️ Опишите движение словами или выберите стиль кнопкой.`,
    ignored: `ℹ️ Сейчас сервер обработки не принимает описание движения: ` +
      `видео будет двигаться так, как задано в его настройках.`,
  },
  myVideos: {
    button: "🎞 Мои видео",
    title: (p: { count: number }) =>
      `🎞 Мои видео (последние ${p.count})\n\n` +
      `Нажмите номер, чтобы получить видео снова — бесплатно и сразу.`,
    empty: `🎞 Мои видео\n\nЗдесь появятся ваши готовые видео. ` +
      `Пришлите фото, чтобы сделать первое.`,
    line: (
      p: {
        n: number;
        date: string;
        duration: number;
        quality: string;
        prompt: string | undefined;
      },
    ) =>
      `${p.n}. ${p.date} · ${p.duration} сек · ${quality(p.quality)}` +
      ` · ${p.prompt ?? "автоматически"}`,
    get: (p: { n: number }) => `🎞 ${p.n}`,
    resent: "Отправляю видео ещё раз.",
    gone: "Это видео больше недоступно.",
    repeat: "🔁 Повторить",
    repeated: "🔁 Запускаю ещё раз с теми же настройками.",
  },
  free: {
    balanceLeft: (p: { left: number; perDay: number }) =>
      `🎁 Бесплатные видео по 5 сек сегодня: ${p.left} из ${p.perDay}`,
    balanceNext: (p: { wait: string }) =>
      `🎁 Следующее бесплатное видео — через ${p.wait}`,
    confirm: `🎁 Это видео бесплатное: видео дня.`,
    done: (p: { balance: number }) =>
      `✅ Готово! Это было бесплатное видео дня. Баланс: ${tokens(p.balance)}.`,
    hours: (p: { h: number; m: number }) =>
      p.h > 0 ? `${p.h} ч ${p.m} мин` : `${p.m} мин`,
  },
  alerts: {
    header: "⚠️ lora-bot",
    serverDown: (p: { server: string; error: string }) =>
      `🔴 Сервер ${p.server} недоступен: ${p.error}`,
    serverUp: (p: { server: string }) => `🟢 Сервер ${p.server} снова работает`,
    failures: (p: { count: number; reason: string }) =>
      `❌ ${p.count} ${pluralRu(p.count, "задача", "задачи", "задач")} ` +
      `подряд ${
        pluralRu(p.count, "завершилась", "завершились", "завершились")
      } ошибкой (последняя: ${p.reason})`,
    disk: (p: { percent: number; dir: string; free: string }) =>
      `💾 Диск под ${p.dir} заполнен на ${p.percent}% (свободно ${p.free})`,
    summary: (
      p: {
        videos: number;
        users: number;
        newUsers: number;
        spent: number;
        failures: number;
        mean: string;
      },
    ) =>
      `📋 Сводка за сутки\n` +
      `🎬 Видео: ${p.videos}\n` +
      `👤 Пользователи: ${p.users} (новых: ${p.newUsers})\n` +
      `💰 Потрачено: ${tokens(p.spent)}\n` +
      `❌ Ошибок: ${p.failures}\n` +
      `⏱ Среднее время обработки: ${p.mean}`,
    more: (p: { count: number }) => `…и ещё ${p.count} похожих`,
  },
};

/** The shape every locale must have (checked by the type system). */
export type Messages = typeof ru;

import assert from "node:assert/strict";
import {
  formatDate,
  localeFor,
  LOCALES,
  messages,
  pluralEn,
  pluralRu,
} from "../../lib/i18n/mod.ts";

function shape(value: unknown, path = ""): string[] {
  if (typeof value !== "object" || value === null) return [path];
  return Object.entries(value).flatMap(([k, v]) => shape(v, `${path}.${k}`));
}

Deno.test("every locale has every key of the default locale", () => {
  const ru = shape(LOCALES.ru).sort();
  for (const [name, locale] of Object.entries(LOCALES)) {
    assert.deepEqual(shape(locale).sort(), ru, name);
  }
});

Deno.test("the main menu buttons keep the old bot's labels", () => {
  const b = messages("ru").buttons;
  assert.deepEqual(
    [b.create, b.quick, b.balance, b.stats, b.help, b.createMore],
    [
      "🎬 Создать видео",
      "⚡ Быстрый режим",
      "💰 Баланс",
      "📊 Статистика",
      "❓ Помощь",
      "🎬 Создать ещё",
    ],
  );
});

Deno.test("pluralRu() and pluralEn() pick the right forms", () => {
  const ru = (n: number) => `${n} ${pluralRu(n, "токен", "токена", "токенов")}`;
  assert.deepEqual(
    [1, 2, 5, 11, 12, 14, 21, 22, 25, 101, 111, 0].map(ru),
    [
      "1 токен",
      "2 токена",
      "5 токенов",
      "11 токенов",
      "12 токенов",
      "14 токенов",
      "21 токен",
      "22 токена",
      "25 токенов",
      "101 токен",
      "111 токенов",
      "0 токенов",
    ],
  );
  assert.equal(messages("ru").tokens(90), "90 токенов");
  assert.equal(messages("en").tokens(1), "1 token");
  assert.equal(pluralEn(2, "video", "videos"), "videos");
  // Fractions take the genitive singular (CLDR "other").
  assert.equal(pluralRu(1.5, "токен", "токена", "токенов"), "токена");
});

Deno.test("localeFor(): Russian for ru, uk, be, kk; English for every other language", () => {
  for (const code of ["ru", "uk", "be", "kk", "ru-RU", "UK", "kk_KZ"]) {
    assert.equal(localeFor(code), "ru", code);
  }
  for (const code of ["en", "en-GB", "de", "pt-br", "fr", "pl", "zh-hans"]) {
    assert.equal(localeFor(code), "en", code);
  }
  // No code at all (some clients): the default locale.
  assert.equal(localeFor(undefined), "ru");
  assert.equal(localeFor(""), "ru");
});

Deno.test("texts agree with their numbers", () => {
  const ru = messages("ru");
  const en = messages("en");
  assert.match(ru.busy({ limit: 1 }), /Дождитесь его и пришлите/);
  assert.match(ru.busy({ limit: 2 }), /Дождитесь их и пришлите/);
  assert.match(en.busy({ limit: 1 }), /Wait for it,/);
  assert.match(en.busy({ limit: 3 }), /Wait for them,/);
  const failures = (n: number) =>
    ru.alerts.failures({ count: n, reason: "oom" }).split(" (")[0];
  assert.deepEqual([1, 3, 5, 21, 22, 11].map(failures), [
    "❌ 1 задача подряд завершилась ошибкой",
    "❌ 3 задачи подряд завершились ошибкой",
    "❌ 5 задач подряд завершились ошибкой",
    "❌ 21 задача подряд завершилась ошибкой",
    "❌ 22 задачи подряд завершились ошибкой",
    "❌ 11 задач подряд завершились ошибкой",
  ]);
  assert.match(en.alerts.failures({ count: 1, reason: "x" }), /^❌ 1 job in/);
  assert.match(en.alerts.failures({ count: 4, reason: "x" }), /^❌ 4 jobs in/);
  assert.equal(
    ru.reasons.too_small,
    "Фотография слишком маленькая: по меньшей стороне нужно не меньше 64 пикселей.",
  );
});

Deno.test("'not enough tokens' points at the packs when they are on sale", () => {
  for (const locale of ["ru", "en"] as const) {
    const t = messages(locale);
    const p = { needed: 10, balance: 2, admin: ": @support" };
    assert.match(t.notEnough({ ...p, packs: false }), /@support/);
    const selling = t.notEnough({ ...p, packs: true });
    assert.doesNotMatch(selling, /@support|администратор|administrator/);
  }
});

Deno.test("no Russian text writes е for ё in ещё", () => {
  const texts = JSON.stringify(
    LOCALES.ru,
    (_k, v) => typeof v === "function" ? String(v) : v,
  );
  assert.doesNotMatch(texts, /(?<![а-яё])еще(?![а-яё])/iu);
});

// Calls every text function of a locale with made-up parameters (every
// field reads as 2) and returns what it rendered, by key.
function renderAll(value: unknown, path = ""): [string, string][] {
  // Also usable as a plain number: tokens(n) takes one.
  const params = new Proxy({}, {
    get: (_, key) => key === Symbol.toPrimitive ? () => 2 : 2,
  });
  if (typeof value === "function") {
    return [[path, String(value(params))]];
  }
  if (typeof value === "string") return [[path, value]];
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) =>
    renderAll(v, `${path}.${k}`)
  );
}

Deno.test("every text renders in both locales without holes", () => {
  for (const [name, locale] of Object.entries(LOCALES)) {
    for (const [key, text] of renderAll(locale)) {
      if (key === ".switchLanguage.to") continue;
      assert.ok(text.trim().length > 0, `${name}${key} is empty`);
      assert.doesNotMatch(text, /undefined|NaN|\[object/, `${name}${key}`);
    }
  }
  // The two locales differ wherever there are words to translate.
  const en = new Map(renderAll(LOCALES.en));
  const same = renderAll(LOCALES.ru).filter(([key, text]) =>
    en.get(key) === text && /[а-яё]/i.test(text)
  );
  assert.deepEqual(same, []);
});

Deno.test("texts use the right plural forms in both languages", () => {
  const ru = messages("ru");
  const en = messages("en");
  assert.equal(
    ru.balanceLine({ duration: 5, count: 1, cost: 5 }),
    "• 1 видео по 5 сек (5 токенов за видео)",
  );
  assert.match(
    ru.notEnough({ needed: 2, balance: 1, admin: "", packs: false }),
    /2 токена/,
  );
  assert.match(
    ru.notEnough({ needed: 2, balance: 1, admin: "", packs: false }),
    /1 токен\./,
  );
  assert.match(ru.admin.received({ amount: 21, balance: 22 }), /21 токен!/);
  assert.match(ru.admin.received({ amount: 21, balance: 22 }), /22 токена\./);
  assert.equal(
    en.balanceLine({ duration: 5, count: 1, cost: 1 }),
    "• 1 video of 5 s (1 token each)",
  );
  assert.match(en.admin.received({ amount: 1, balance: 2 }), /1 token!/);
  assert.match(
    en.wizard.confirm({
      duration: 15,
      quality: "high",
      px: 832,
      cost: 15,
      balance: 16,
      eta: "1 min",
    }),
    /Balance after: 1 token\n/,
  );
  assert.match(ru.wizard.quality({ duration: 5 }), /5 секунд/);
  assert.match(
    ru.caption({ duration: 1, quality: "low", link: "x" }),
    /1 секунда/,
  );
});

Deno.test("formatDate() reads the old bot's timestamps", () => {
  assert.equal(formatDate("ru", "2025-10-21 10:00:00.123456"), "21.10.2025");
  assert.equal(formatDate("en", "2025-10-21 10:00:00"), "2025-10-21");
  assert.equal(
    formatDate("ru", "2026-11-26 06:41:00", { time: true }),
    "26.11.2026 06:41",
  );
  assert.equal(
    formatDate("ru", "2026-11-26T06:41:00.000Z", { time: true }),
    "26.11.2026 06:41",
  );
  assert.equal(formatDate("ru", undefined), undefined);
  assert.equal(formatDate("ru", "yesterday"), undefined);
});

import assert from "node:assert/strict";
import {
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
      "🎬 Создать еще",
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
});

Deno.test("localeFor() maps en* to English and the rest to Russian", () => {
  assert.equal(localeFor("en"), "en");
  assert.equal(localeFor("en-GB"), "en");
  assert.equal(localeFor("ru"), "ru");
  assert.equal(localeFor("uk"), "ru");
  assert.equal(localeFor(undefined), "ru");
});

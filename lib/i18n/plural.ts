/**
 * Plural forms by the CLDR rules of each language, through
 * `Intl.PluralRules` (Deno ships full ICU data), instead of hand-written
 * modulo arithmetic.
 *
 * @module
 */

const RULES = {
  ru: new Intl.PluralRules("ru"),
  en: new Intl.PluralRules("en"),
};

/** Russian plural form: 1 токен, 2 токена, 5 токенов, 21 токен, 11 токенов. */
export function pluralRu(
  n: number,
  one: string,
  few: string,
  many: string,
): string {
  switch (RULES.ru.select(n)) {
    case "one":
      return one;
    case "many":
      return many;
    // "few", and "other" for fractions: 1,5 токена.
    default:
      return few;
  }
}

/** English plural form: 1 token, 2 tokens, 0 tokens. */
export function pluralEn(n: number, one: string, other: string): string {
  return RULES.en.select(n) === "one" ? one : other;
}

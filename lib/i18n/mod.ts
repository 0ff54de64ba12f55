/**
 * User-facing texts. Russian is the default locale and English the second;
 * every locale has every key (the type system and a test check it).
 *
 * @module
 */

import { en } from "./en.ts";
import { type Messages, ru } from "./ru.ts";
export { pluralEn, pluralRu } from "./plural.ts";
export type { Messages };

/** The locales the bot speaks. */
export type Locale = "ru" | "en";

/** Every locale's texts. */
export const LOCALES: Readonly<Record<Locale, Messages>> = { ru, en };

/** The texts of a locale. */
export function messages(locale: Locale): Messages {
  return LOCALES[locale];
}

// Languages whose speakers read Russian more readily than English:
// Russian, Ukrainian, Belarusian, Kazakh.
const RUSSIAN_READERS = new Set(["ru", "uk", "be", "kk"]);

/**
 * Picks the locale from Telegram's `language_code` (an IETF tag such as
 * `uk` or `pt-br`): Russian for ru, uk, be and kk, English for every other
 * language. Without a code (Telegram omits it for some clients) the
 * default locale, Russian.
 */
export function localeFor(languageCode: string | undefined): Locale {
  if (languageCode === undefined || languageCode.trim() === "") return "ru";
  const language = languageCode.trim().toLowerCase().split(/[-_]/)[0] ?? "";
  return RUSSIAN_READERS.has(language) ? "ru" : "en";
}

/** Narrows a stored string to a locale, defaulting to Russian. */
export function asLocale(value: string | undefined): Locale {
  return value === "en" ? "en" : "ru";
}

/** Formats a number of seconds as "2 мин 5 сек" / "2 min 5 s". */
export function formatWait(locale: Locale, totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  return messages(locale).minutes({ m: Math.floor(s / 60), s: s % 60 });
}

const SQL_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}))?/;

/**
 * Formats a stored time ("2025-10-21 10:00:00", as `balances.db` keeps it)
 * as a day ("21.10.2025" / "2025-10-21"), with `time` also the time of day
 * (UTC, as stored). Undefined for a missing or odd value.
 */
export function formatDate(
  locale: Locale,
  value: string | undefined,
  options: { readonly time?: boolean } = {},
): string | undefined {
  const match = SQL_TIME.exec(value ?? "");
  if (match === null) return undefined;
  const [, y = "", m = "", d = "", hh, mm] = match;
  const day = messages(locale).date({ y, m, d });
  return options.time && hh !== undefined ? `${day} ${hh}:${mm}` : day;
}

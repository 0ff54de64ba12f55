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

/** Picks the locale from Telegram's `language_code` (en* → English). */
export function localeFor(languageCode: string | undefined): Locale {
  return languageCode?.toLowerCase().startsWith("en") ? "en" : "ru";
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

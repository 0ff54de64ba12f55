import type { User } from "grammy/types";
import { localeFor } from "../i18n/mod.ts";
import type { UserProfile } from "../ledger/mod.ts";

/**
 * The ledger's view of a Telegram user: names (refreshed on every
 * `ensureUser`) and the language a new account starts with.
 */
export function profileOf(from: User): UserProfile {
  return {
    id: from.id,
    username: from.username,
    firstName: from.first_name,
    lastName: from.last_name,
    language: localeFor(from.language_code),
  };
}

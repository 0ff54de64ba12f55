import type { Context } from "grammy";
import type { Locale, Messages } from "../i18n/mod.ts";
import type { Account } from "../ledger/mod.ts";

/** What the bot middleware adds to every update from a user. */
export interface UserFlavor {
  /** The sender's account (created on first contact). */
  account: Account;
  locale: Locale;
  /** The sender's texts. */
  t: Messages;
}

/** The context every feature receives. */
export type BotContext = Context & UserFlavor;

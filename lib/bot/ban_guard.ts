/**
 * The bot middleware that stops a banned user: nothing they send starts a
 * job, opens an account or moves a token. A private message gets one short
 * reply per {@link BANNED_REPLY_INTERVAL_MS}; a button press and an inline
 * query get the answer Telegram expects (a payment is refused before it is
 * taken); anything in a group is ignored. Admins cannot be banned.
 *
 * @module
 */

import type { Context, NextFunction } from "grammy";
import type { Clock } from "../clock.ts";
import { asLocale, localeFor, messages } from "../i18n/mod.ts";
import { oncePer } from "../once_per.ts";
import type { BanStore } from "../bans/mod.ts";

/** The least time between two "you are banned" replies to one user. */
export const BANNED_REPLY_INTERVAL_MS = 10 * 60_000;

/** What the guard needs. */
export interface BanGuardDeps {
  readonly bans: BanStore;
  readonly clock: Clock;
  readonly adminUserIds: readonly number[];
  /** The user's stored language, if they have an account. */
  readonly languageOf: (userId: number) => Promise<string | undefined>;
}

/** Stops every update of a banned user (see the module doc). */
export function banGuard(
  deps: BanGuardDeps,
): (ctx: Context, next: NextFunction) => Promise<void> {
  const mayReply = oncePer(deps.clock, BANNED_REPLY_INTERVAL_MS);
  return async (ctx, next) => {
    const from = ctx.from;
    if (
      from === undefined || deps.adminUserIds.includes(from.id) ||
      (await deps.bans.get(from.id)) === undefined
    ) {
      return await next();
    }
    const stored = await deps.languageOf(from.id);
    const t = messages(
      stored ? asLocale(stored) : localeFor(from.language_code),
    );
    if (ctx.preCheckoutQuery) {
      await ctx.answerPreCheckoutQuery(false, t.features.banned);
    } else if (ctx.callbackQuery) {
      await ctx.answerCallbackQuery({ text: t.features.banned });
    } else if (ctx.inlineQuery) {
      await ctx.answerInlineQuery([], { cache_time: 0, is_personal: true });
    } else if (ctx.chat?.type === "private" && mayReply(from.id)) {
      await ctx.reply(t.features.banned);
    }
  };
}

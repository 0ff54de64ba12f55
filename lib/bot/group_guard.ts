/**
 * Groups and channels: the bot charges, shows balances and renders in a
 * user's private chat only. A photo posted where others read starts
 * nothing; the group gets at most one short hint with a link to the bot
 * per {@link HINT_INTERVAL_MS}, so a flood of photos costs the group
 * nothing and Telegram's group limit nothing either. `/animate` as a
 * reply to a photo is handled before this guard (features/animate_group.ts).
 *
 * @module
 */

import type { Context, NextFunction } from "grammy";
import { systemClock } from "../clock.ts";
import { oncePer } from "../once_per.ts";
import { localeFor, messages } from "../i18n/mod.ts";
import type { BotDeps } from "./deps.ts";
import { imageInput } from "./image_input.ts";

/** The least time between two hints in one group. */
export const HINT_INTERVAL_MS = 10 * 60_000;

/** The middleware: passes private chats and chat-less updates only. */
export function privateChatsOnly(
  deps: BotDeps,
): (ctx: Context, next: NextFunction) => Promise<void> {
  const mayHint = oncePer(deps.clock ?? systemClock, HINT_INTERVAL_MS);
  return async (ctx, next) => {
    // Pre-checkout queries and inline callbacks have no chat: they pass.
    const chat = ctx.chat;
    if (chat === undefined || chat.type === "private") return await next();
    if (ctx.callbackQuery !== undefined) {
      await ctx.answerCallbackQuery();
      return;
    }
    const message = ctx.message;
    if (message === undefined || imageInput(message) === undefined) return;
    if (!mayHint(chat.id)) return;
    const t = messages(localeFor(ctx.from?.language_code));
    await ctx.reply(t.groupHint({ link: `https://t.me/${ctx.me.username}` }), {
      reply_parameters: {
        message_id: message.message_id,
        allow_sending_without_reply: true,
      },
    });
  };
}

/**
 * Showing a screen: a button's screen replaces the message the button was
 * under, so the chat does not fill up with menus; where that message cannot
 * become text (a video's caption) or is gone, a new message is sent.
 *
 * @module
 */

import { GrammyError, type InlineKeyboard } from "grammy";
import type { BotContext } from "./context.ts";

function notModified(error: unknown): boolean {
  return error instanceof GrammyError &&
    /message is not modified/.test(error.description);
}

/**
 * Edits the callback's message into `text` (with `keyboard`, or none), or
 * sends a new message. Returns the id of the message now showing it.
 */
export async function showScreen(
  ctx: BotContext,
  text: string,
  keyboard?: InlineKeyboard,
): Promise<number> {
  const message = ctx.callbackQuery?.message;
  const markup = keyboard === undefined ? {} : { reply_markup: keyboard };
  if (message !== undefined && message.text !== undefined) {
    try {
      await ctx.editMessageText(text, markup);
      return message.message_id;
    } catch (error) {
      if (notModified(error)) return message.message_id;
      // Too old or deleted: a new message is the best we can do.
      if (!(error instanceof GrammyError)) throw error;
    }
  }
  const sent = await ctx.reply(text, markup);
  return sent.message_id;
}

/** Removes the buttons under an earlier message; failing that is harmless. */
export async function dropButtons(
  ctx: BotContext,
  messageId: number | undefined,
): Promise<void> {
  const chatId = ctx.chatId;
  if (messageId === undefined || chatId === undefined) return;
  await ctx.api.editMessageReplyMarkup(chatId, messageId).catch(() => {});
}

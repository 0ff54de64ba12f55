import { type BotError, GrammyError, HttpError } from "grammy";
import { messages } from "../i18n/mod.ts";
import type { Logger } from "../log.ts";
import type { BotContext } from "./context.ts";

/**
 * The error boundary: logs what failed (the logger masks the token, which
 * grammY's HttpError may carry in its cause) and apologises to the user.
 */
export function errorHandler(
  log: Logger,
): (err: BotError<BotContext>) => Promise<void> {
  return async (err: BotError<BotContext>): Promise<void> => {
    const ctx = err.ctx;
    const fields = {
      update: ctx.update.update_id,
      user: ctx.from?.id,
      error: err.error,
    };
    if (err.error instanceof GrammyError) {
      log.error("Telegram refused a call", fields);
    } else if (err.error instanceof HttpError) {
      log.error("Cannot reach Telegram", fields);
    } else {
      log.error("Update handling failed", fields);
    }
    if (ctx.chat?.type !== "private") return;
    const t = ctx.t ?? messages("ru");
    try {
      await ctx.reply(t.sorry);
    } catch {
      // Telegram itself is failing; the log line above is all we can do.
    }
  };
}

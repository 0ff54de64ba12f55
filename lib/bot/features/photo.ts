import { Composer } from "grammy";
import { QUICK_SETTINGS } from "../../pricing.ts";
import { cleanPrompt } from "../../prompts/mod.ts";
import type { BotContext } from "../context.ts";
import type { BotDeps } from "../deps.ts";
import { imageInput, LIMIT_MB } from "../image_input.ts";
import { outcomeText } from "../job_outcome.ts";
import { refusalKeyboard } from "../money_view.ts";

/**
 * A photo (or an image sent as a file) outside the wizard starts a
 * quick-mode video: 10 seconds, medium quality.
 */
export function photoFeature(deps: BotDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.on(["message:photo", "message:document"], async (ctx) => {
    const input = imageInput(ctx.message);
    if (input === undefined) return;
    if (input.kind === "not_image") {
      await ctx.reply(ctx.t.notImage);
      return;
    }
    if (input.kind === "too_big") {
      await ctx.reply(ctx.t.tooBig({ limit: LIMIT_MB }));
      return;
    }
    const outcome = await deps.jobs.start({
      userId: ctx.account.userId,
      chatId: ctx.chatId ?? ctx.account.userId,
      locale: ctx.locale,
      fileId: input.fileId,
      updateId: ctx.update.update_id,
      mode: "quick",
      settings: QUICK_SETTINGS,
      // The caption says how the photo should move.
      prompt: cleanPrompt(ctx.message.caption),
    });
    const text = outcomeText(ctx, deps, outcome);
    if (text === undefined) {
      // Handled once the photo is checked (a crash before: handled again).
      if (outcome.kind === "started") await outcome.admitted;
      return;
    }
    await ctx.reply(text, {
      ...(outcome.kind === "insufficient"
        ? { reply_markup: refusalKeyboard(ctx, deps, outcome) }
        : {}),
    });
  });
  return feature;
}

import { Composer } from "grammy";
import { videoCaption } from "../job_view/mod.ts";
import { parseCallback } from "../callback_data.ts";
import type { BotContext } from "../context.ts";
import type { BotDeps } from "../deps.ts";
import { outcomeText } from "../job_outcome.ts";
import { afterVideo } from "../keyboards.ts";
import { refusalKeyboard } from "../money_view.ts";

/**
 * The buttons of a delivered video: `🎞 N` in "My videos" sends it again
 * by its Telegram file_id (free, no render), `🔁 Повторить` under a video
 * runs the same photo, settings and prompt again as a new, charged job.
 * Only the user's own jobs; anything else is "no longer available".
 */
export function jobActionsFeature(deps: BotDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.on("callback_query:data", async (ctx, next) => {
    const callback = parseCallback(ctx.callbackQuery.data);
    if (callback?.kind !== "job" || callback.action === "cancel") {
      return next();
    }
    const job = deps.videos?.get(callback.jobId);
    const chatId = ctx.chatId ?? ctx.account.userId;
    if (job === undefined || job.userId !== ctx.account.userId) {
      await ctx.answerCallbackQuery({ text: ctx.t.myVideos.gone });
      return;
    }
    if (callback.action === "resend") {
      if (job.videoFileId === undefined) {
        await ctx.answerCallbackQuery({ text: ctx.t.myVideos.gone });
        return;
      }
      await ctx.answerCallbackQuery({ text: ctx.t.myVideos.resent });
      await ctx.api.sendVideo(chatId, job.videoFileId, {
        caption: videoCaption(job, {
          botUsername: ctx.me.username,
          preview: false,
        }),
        supports_streaming: true,
        reply_markup: afterVideo(ctx.t, job.id),
      });
      deps.log.info("video sent again", { job: job.id });
      return;
    }
    const outcome = deps.jobs.start({
      userId: ctx.account.userId,
      chatId,
      locale: ctx.locale,
      fileId: job.fileId,
      updateId: ctx.update.update_id,
      mode: job.mode,
      settings: { duration: job.duration, quality: job.quality },
      prompt: job.prompt,
    });
    const refusal = outcomeText(ctx, deps, outcome);
    if (refusal === undefined) {
      await ctx.answerCallbackQuery({ text: ctx.t.myVideos.repeated });
      if (outcome.kind === "started") await outcome.admitted;
      return;
    }
    await ctx.answerCallbackQuery();
    // Buy buttons under "not enough tokens" while packs are on sale.
    await ctx.reply(refusal, {
      reply_markup: refusalKeyboard(ctx, deps, outcome),
    });
  });
  return feature;
}

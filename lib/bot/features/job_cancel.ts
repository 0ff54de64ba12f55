import { Composer } from "grammy";
import { parseCallback } from "../callback_data.ts";
import type { BotContext } from "../context.ts";
import type { BotDeps } from "../deps.ts";

/**
 * The ✖ button under a job's progress message (`j:c:<jobId>`). The runner
 * decides; only the user's own job can be cancelled, and a job that is
 * already being delivered cannot.
 */
export function jobCancelFeature(deps: BotDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.on("callback_query:data", async (ctx, next) => {
    const callback = parseCallback(ctx.callbackQuery.data);
    if (callback?.kind !== "job" || callback.action !== "cancel") {
      return next();
    }
    const outcome =
      await deps.jobs.cancel?.(callback.jobId, ctx.account.userId) ??
        "not_found";
    deps.log.info("cancel asked", {
      job: callback.jobId,
      user: ctx.account.userId,
      outcome,
    });
    await ctx.answerCallbackQuery({ text: ctx.t.jobCancel[outcome] });
  });
  return feature;
}

import { Composer } from "grammy";
import { startPhotos } from "../album_order.ts";
import type { Aspect } from "../../media/mod.ts";
import type { StartOutcome } from "../../jobs/mod.ts";
import { priceOf, type VideoSettings } from "../../pricing.ts";
import { advance, draftOf, type WizardState } from "../../wizard/mod.ts";
import { parseCallback } from "../callback_data.ts";
import type { BotContext } from "../context.ts";
import type { BotDeps } from "../deps.ts";
import { outcomeText } from "../job_outcome.ts";
import { refusalKeyboard } from "../money_view.ts";
import { mainMenu } from "../keyboards.ts";
import { showScreen } from "../screen.ts";
import { stepWizard } from "../wizard_flow.ts";

/**
 * The wizard's buttons: duration, quality, « Назад, cancel and confirm.
 * A button whose nonce is not the open wizard's (an old message, a double
 * tap, a forged callback) only answers "this button has expired".
 */
export function wizardButtonsFeature(deps: BotDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.on("callback_query:data", async (ctx, next) => {
    const callback = parseCallback(ctx.callbackQuery.data);
    if (callback?.kind !== "wizard") return next();
    const userId = ctx.account.userId;
    const state = await deps.wizards.get(userId);
    const stale = () => ctx.answerCallbackQuery({ text: ctx.t.stale });
    if (state === undefined || state.nonce !== callback.nonce) {
      await stale();
      return;
    }
    const outcome = advance(state, callback.button, ctx.locale);
    switch (outcome.kind) {
      case "ignored":
        await stale();
        return;
      case "cancel":
        if (!(await deps.wizards.take(userId, state.nonce))) {
          return void await stale();
        }
        await ctx.answerCallbackQuery();
        await showScreen(
          ctx,
          ctx.t.menu({ balance: ctx.account.tokens }),
          mainMenu(ctx.t),
        );
        return;
      case "step":
        if (!await stepWizard(ctx, deps, { from: state, to: outcome.draft })) {
          return void await stale();
        }
        await ctx.answerCallbackQuery();
        return;
      case "confirm":
        await confirm(ctx, deps, state, outcome);
        return;
      case "album":
        return void await stale();
    }
  });
  return feature;
}

// What the confirmation starts.
interface Chosen {
  readonly fileId: string;
  readonly settings: VideoSettings;
  readonly prompt?: string;
  readonly aspect?: Aspect;
  readonly album?: readonly string[];
}

// Takes the wizard first, so a second tap on the same button finds nothing
// to confirm: one confirmation starts at most one job.
async function confirm(
  ctx: BotContext,
  deps: BotDeps,
  state: WizardState,
  chosen: Chosen,
): Promise<void> {
  const userId = ctx.account.userId;
  if (!(await deps.wizards.take(userId, state.nonce))) {
    await ctx.answerCallbackQuery({ text: ctx.t.stale });
    return;
  }
  let outcome: StartOutcome;
  try {
    outcome = await deps.jobs.start({
      userId,
      chatId: ctx.chatId ?? userId,
      locale: ctx.locale,
      fileId: chosen.fileId,
      updateId: ctx.update.update_id,
      mode: "wizard",
      settings: chosen.settings,
      prompt: chosen.prompt,
      aspect: chosen.aspect,
    });
  } catch (error) {
    // Nothing started: give the user their wizard back to try again.
    await deps.wizards.put(draftOf(state));
    throw error;
  }
  if (outcome.kind === "busy" || outcome.kind === "cooldown") {
    // Keep the confirmation open: it works once a running video is done
    // (or the wait after a refused file is over).
    const again = await deps.wizards.put(draftOf(state));
    if (again !== undefined) {
      await stepWizard(ctx, deps, { from: again, to: draftOf(again) });
    }
    await ctx.answerCallbackQuery({
      text: outcome.kind === "busy"
        ? ctx.t.busy({ limit: outcome.limit })
        : ctx.t.cooldown({ seconds: outcome.seconds }),
      "show_alert": true,
    });
    return;
  }
  await ctx.answerCallbackQuery();
  const refusal = outcomeText(ctx, deps, outcome);
  if (refusal !== undefined) {
    await showScreen(ctx, refusal, refusalKeyboard(ctx, deps, outcome));
    return;
  }
  await showScreen(ctx, startedText(ctx, deps, chosen));
  if (outcome.kind !== "started") return;
  await outcome.admitted;
  // The album's other photos, with the same settings, queued in order.
  await startPhotos(ctx.api, deps, {
    userId,
    chatId: ctx.chatId ?? userId,
    locale: ctx.locale,
    photos: (chosen.album ?? []).map((fileId) => ({ fileId })),
    mode: "wizard",
    settings: chosen.settings,
    prompt: chosen.prompt,
    aspect: chosen.aspect,
  });
}

// "Starting: …" with the price of every photo (an album: one per photo).
function startedText(ctx: BotContext, deps: BotDeps, chosen: Chosen): string {
  const { duration, quality } = chosen.settings;
  const count = 1 + (chosen.album?.length ?? 0);
  const started = ctx.t.wizard.started({
    duration,
    quality,
    cost: priceOf(duration, deps.tokensPerVideo) * count,
  });
  return count > 1
    ? `${started}\n${ctx.t.features.albumStarted({ count })}`
    : started;
}

/**
 * Showing the wizard: its screens, and the three ways a screen appears —
 * opened from the menu, edited in place by its own buttons, or moved below
 * the user's latest message (after a photo or stray text).
 *
 * @module
 */

import { aspectName } from "./aspect_view.ts";
import { ignoredEverywhere } from "../comfy/mod.ts";
import { formatWait } from "../i18n/mod.ts";
import { FREE_DURATION } from "../jobs/mod.ts";
import { priceOf, QUALITIES, settingsKey } from "../pricing.ts";
import {
  beginWizard,
  type WizardDraft,
  type WizardState,
} from "../wizard/mod.ts";
import type { BotContext } from "./context.ts";
import type { BotDeps } from "./deps.ts";
import { wizardKeyboard } from "./keyboards.ts";
import { dropButtons, showScreen } from "./screen.ts";

/** The text of the wizard's current step. */
export async function wizardText(
  ctx: BotContext,
  deps: BotDeps,
  state: WizardState,
): Promise<string> {
  const t = ctx.t.wizard;
  const { duration, quality } = state;
  switch (state.step) {
    case "photo":
      return t.photo;
    case "motion":
      return promptsIgnored(deps)
        ? `${ctx.t.motion.step}\n\n${ctx.t.motion.ignored}`
        : ctx.t.motion.step;
    case "duration":
      return t.duration({ balance: ctx.account.tokens });
    case "quality":
      return t.quality({ duration: duration ?? 10 });
    case "confirm": {
      const settings = {
        duration: duration ?? 10,
        quality: quality ?? "medium",
      } as const;
      const free = settings.duration === FREE_DURATION &&
        (await deps.free?.left(ctx.account.userId) ?? 0) > 0;
      // An album: one video per photo, each at the price of one.
      const count = 1 + (state.album?.fileIds.length ?? 0);
      const text = t.confirm({
        ...settings,
        px: QUALITIES[settings.quality],
        // The free video costs nothing, so the balance after stays as is.
        cost: free && count === 1
          ? 0
          : priceOf(settings.duration, deps.tokensPerVideo) * count,
        balance: ctx.account.tokens,
        eta: formatWait(
          ctx.locale,
          deps.times.predictSeconds(settingsKey(settings)),
        ),
      });
      const motion = [
        ctx.t.motion.line({ prompt: state.prompt }),
        ctx.t.features.aspectLine({
          ratio: aspectName(ctx.t, state.aspect ?? "photo"),
        }),
        ...(count > 1 ? [ctx.t.features.albumLine({ count })] : []),
      ].join("\n");
      return free
        ? `${text}\n${motion}\n\n${ctx.t.free.confirm}`
        : `${text}\n${motion}`;
    }
  }
}

// No server would receive a motion prompt (its workflow has no prompt
// input, or the setting is off): the user is told before choosing one.
function promptsIgnored(deps: BotDeps): boolean {
  const servers = deps.backends?.status() ?? [];
  return ignoredEverywhere(servers.map((s) => s.workflow), "prompt");
}

async function render(
  ctx: BotContext,
  deps: BotDeps,
  state: WizardState,
  options: { note?: string; fresh?: boolean } = {},
): Promise<void> {
  const body = await wizardText(ctx, deps, state);
  const text = options.note ? `${options.note}\n\n${body}` : body;
  const keyboard = wizardKeyboard(ctx.t, state, deps.tokensPerVideo);
  const messageId = options.fresh
    ? (await ctx.reply(text, { reply_markup: keyboard })).message_id
    : await showScreen(ctx, text, keyboard);
  if (messageId !== state.messageId) {
    await deps.wizards.setMessage(state.userId, state.nonce, messageId);
  }
}

/**
 * Closes the user's wizard, if one is open, and takes the buttons off its
 * screen unless that screen is the message being edited right now.
 */
export async function closeWizard(
  ctx: BotContext,
  deps: BotDeps,
): Promise<void> {
  const previous = await deps.wizards.get(ctx.account.userId);
  if (previous === undefined) return;
  await deps.wizards.clear(ctx.account.userId);
  if (previous.messageId !== ctx.callbackQuery?.message?.message_id) {
    await dropButtons(ctx, previous.messageId);
  }
}

/** Starts a new wizard (replacing any open one) at the photo step. */
export async function openWizard(
  ctx: BotContext,
  deps: BotDeps,
): Promise<void> {
  await closeWizard(ctx, deps);
  const state = await deps.wizards.put(
    beginWizard(ctx.account.userId, undefined),
  );
  if (state === undefined) return;
  await render(ctx, deps, state);
}

/** A change of the wizard: from the stored state to a new draft. */
export interface WizardChange {
  readonly from: WizardState;
  readonly to: WizardDraft;
  /** A line shown above the step (why the screen moved). */
  readonly note?: string | undefined;
}

/**
 * Moves the wizard to `change.to`, edited into the message of the pressed
 * button. False when the button was drawn for an older state.
 */
export async function stepWizard(
  ctx: BotContext,
  deps: BotDeps,
  change: WizardChange,
): Promise<boolean> {
  const state = await deps.wizards.put(change.to, change.from.nonce);
  if (state === undefined) return false;
  await render(ctx, deps, state);
  return true;
}

/**
 * Shows the wizard (at `change.to`) in a new message below the user's
 * latest one, with the note on top, and takes the buttons off the old
 * screen.
 */
export async function moveWizard(
  ctx: BotContext,
  deps: BotDeps,
  change: WizardChange,
): Promise<void> {
  const state = await deps.wizards.put(change.to, change.from.nonce);
  if (state === undefined) return;
  await dropButtons(ctx, change.from.messageId);
  const note = change.note;
  await render(ctx, deps, state, { fresh: true, ...(note ? { note } : {}) });
}

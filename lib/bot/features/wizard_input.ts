import { Composer } from "grammy";
import { advance, draftOf } from "../../wizard/mod.ts";
import type { BotContext } from "../context.ts";
import type { BotDeps } from "../deps.ts";
import { imageInput } from "../image_input.ts";
import { moveWizard } from "../wizard_flow.ts";

/**
 * Messages while the wizard is open. A picture is the wizard's photo: at
 * the photo step it moves on, later it replaces the photo and keeps the
 * settings. Text where a button is expected repeats the step below it.
 * Anything else (no wizard, a file that is not an image, a command) goes
 * on to the next feature.
 */
export function wizardInputFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  // Only the user's own chat with the bot: a group is no place for it.
  const feature = composer.chatType("private");

  feature.on(["message:photo", "message:document"], async (ctx, next) => {
    const input = imageInput(ctx.message);
    const state = await deps.wizards.get(ctx.account.userId);
    // A file that is not a usable image gets quick mode's explanation.
    if (state === undefined || input?.kind !== "image") return next();
    const outcome = advance(state, {
      type: "photo",
      fileId: input.fileId,
      caption: ctx.message.caption,
      groupId: ctx.message.media_group_id,
    });
    // More photos of the album: remembered, the screen stays as it is.
    if (outcome.kind === "album") {
      return void (await deps.wizards.setAlbum(
        state.userId,
        state.nonce,
        outcome.album,
      ));
    }
    if (outcome.kind === "ignored" && ctx.message.media_group_id) return;
    if (outcome.kind !== "step") return next();
    await moveWizard(ctx, deps, {
      from: state,
      to: outcome.draft,
      note: state.step === "photo" ? undefined : ctx.t.wizard.photoReplaced,
    });
  });

  feature.on("message:text", async (ctx, next) => {
    if (ctx.message.text.startsWith("/")) return next();
    const state = await deps.wizards.get(ctx.account.userId);
    if (state === undefined) return next();
    // At the motion step, text is the user's own prompt.
    const typed = advance(state, { type: "text", text: ctx.message.text });
    if (typed.kind === "step") {
      await moveWizard(ctx, deps, { from: state, to: typed.draft });
      return;
    }
    const note = state.step === "photo"
      ? ctx.t.wizard.waitingPhoto
      : state.step === "motion"
      ? ctx.t.motion.typeHint
      : ctx.t.wizard.useButtons;
    await moveWizard(ctx, deps, { from: state, to: draftOf(state), note });
  });

  return composer;
}

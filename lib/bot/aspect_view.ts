/**
 * The aspect ratio on the wizard's confirmation: a row of four buttons
 * (the chosen one ticked) and a line of the confirmation text.
 *
 * @module
 */

import type { Messages } from "../i18n/mod.ts";
import type { InlineKeyboardButton } from "grammy/types";
import { type Aspect, ASPECTS } from "../media/mod.ts";
import type { WizardButton } from "../wizard/mod.ts";

/** The ratio's name: "Как на фото" / "As the photo", or "9:16". */
export function aspectName(t: Messages, aspect: Aspect): string {
  return aspect === "photo" ? t.features.aspectPhoto : aspect;
}

/** A ratio button's label, ticked when it is the chosen one. */
export function aspectLabel(
  t: Messages,
  aspect: Aspect,
  chosen: Aspect | undefined,
): string {
  const name = aspectName(t, aspect);
  return aspect === (chosen ?? "photo") ? `✓ ${name}` : name;
}

/** The confirmation's row of ratio buttons, the chosen one ticked. */
export function aspectRow(
  t: Messages,
  chosen: Aspect | undefined,
  button: (label: string, wizard: WizardButton) => InlineKeyboardButton,
): InlineKeyboardButton[] {
  return ASPECTS.map((aspect) =>
    button(aspectLabel(t, aspect, chosen), { type: "aspect", aspect })
  );
}

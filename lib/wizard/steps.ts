/**
 * The create-video wizard as pure step logic: photo → duration → quality →
 * confirm. Nothing here touches Telegram or the database, so every path
 * (back, cancel, a photo mid-way, an outdated button) is unit-tested.
 *
 * @module
 */

import type { Duration, Quality, VideoSettings } from "../pricing.ts";

/** The wizard's steps, in order. */
export const WIZARD_STEPS = [
  "photo",
  "duration",
  "quality",
  "confirm",
] as const;

/** A step of the wizard: what the user is asked for now. */
export type WizardStep = typeof WIZARD_STEPS[number];

/** What the wizard knows, without its version stamp. */
export interface WizardDraft {
  readonly userId: number;
  readonly step: WizardStep;
  readonly fileId: string | undefined;
  readonly duration: Duration | undefined;
  readonly quality: Quality | undefined;
  /** The message that shows the wizard's current screen. */
  readonly messageId: number | undefined;
}

/** A stored wizard. */
export interface WizardState extends WizardDraft {
  /**
   * Changes with every step; buttons carry it, so a button drawn for an
   * earlier state (an old message, a double tap) is recognised as expired.
   */
  readonly nonce: string;
  /** Milliseconds since the epoch of the last change. */
  readonly updatedAt: number;
}

/** A button of a wizard screen. */
export type WizardButton =
  | { readonly type: "duration"; readonly duration: Duration }
  | { readonly type: "quality"; readonly quality: Quality }
  | { readonly type: "back" }
  | { readonly type: "cancel" }
  | { readonly type: "confirm" };

/** Something the user did while the wizard was open. */
export type WizardEvent =
  | WizardButton
  | { readonly type: "photo"; readonly fileId: string };

/** What an event leads to. */
export type WizardOutcome =
  /** Show `draft.step` (the next step, or the same one with a new photo). */
  | { readonly kind: "step"; readonly draft: WizardDraft }
  /** The user left the wizard. */
  | { readonly kind: "cancel" }
  /** The user confirmed: start this job. */
  | {
    readonly kind: "confirm";
    readonly fileId: string;
    readonly settings: VideoSettings;
  }
  /** The event does not fit the current step; nothing changes. */
  | { readonly kind: "ignored" };

/** A fresh wizard waiting for the photo. */
export function beginWizard(
  userId: number,
  messageId: number | undefined,
): WizardDraft {
  return {
    userId,
    step: "photo",
    fileId: undefined,
    duration: undefined,
    quality: undefined,
    messageId,
  };
}

/** The draft part of a stored state. */
export function draftOf(state: WizardState): WizardDraft {
  const { nonce: _nonce, updatedAt: _updatedAt, ...draft } = state;
  return draft;
}

const PREVIOUS: Readonly<Record<WizardStep, WizardStep | undefined>> = {
  photo: undefined,
  duration: "photo",
  quality: "duration",
  confirm: "quality",
};

/** Applies one event to the wizard. */
export function advance(state: WizardDraft, event: WizardEvent): WizardOutcome {
  const at = (step: WizardStep, fields: Partial<WizardDraft> = {}) => ({
    kind: "step" as const,
    draft: { ...state, ...fields, step },
  });
  switch (event.type) {
    case "cancel":
      return { kind: "cancel" };
    case "photo":
      // A photo mid-way replaces the one chosen before and keeps the step:
      // the settings picked so far still apply to the new picture.
      return state.step === "photo"
        ? at("duration", { fileId: event.fileId })
        : at(state.step, { fileId: event.fileId });
    case "duration":
      return state.step === "duration"
        ? at("quality", { duration: event.duration })
        : { kind: "ignored" };
    case "quality":
      return state.step === "quality"
        ? at("confirm", { quality: event.quality })
        : { kind: "ignored" };
    case "back": {
      const previous = PREVIOUS[state.step];
      if (previous === undefined) return { kind: "ignored" };
      // Going back to the photo step means "another photo, please".
      return previous === "photo"
        ? at("photo", { fileId: undefined })
        : at(previous);
    }
    case "confirm": {
      const { fileId, duration, quality } = state;
      if (
        state.step !== "confirm" || fileId === undefined ||
        duration === undefined || quality === undefined
      ) {
        return { kind: "ignored" };
      }
      return { kind: "confirm", fileId, settings: { duration, quality } };
    }
  }
}

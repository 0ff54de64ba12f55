/**
 * The create-video wizard as pure step logic: photo → motion → duration →
 * quality → confirm (a photo with a caption skips motion: the caption is
 * the motion prompt). Nothing here touches Telegram or the database, so every path
 * (back, cancel, a photo mid-way, an outdated button) is unit-tested.
 *
 * @module
 */

import type { Aspect } from "../media/mod.ts";
import type { Duration, Quality, VideoSettings } from "../pricing.ts";
import { cleanPrompt, type PresetId, presetPrompt } from "../prompts/mod.ts";

/** The wizard's steps, in order. */
export const WIZARD_STEPS = [
  "photo",
  "motion",
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
  /** The motion prompt; undefined: automatic (the workflow's own). */
  readonly prompt?: string | undefined;
  /** The aspect ratio, chosen on the confirmation; undefined: the photo's. */
  readonly aspect?: Aspect | undefined;
  /** The photo came in an album: its other photos, in order. */
  readonly album?: WizardAlbum | undefined;
}

/** An album sent to the wizard: `fileId` is its first photo. */
export interface WizardAlbum {
  /** Telegram's `media_group_id`. */
  readonly groupId: string;
  /** The album's other photos (at most {@link MAX_ALBUM_EXTRA}). */
  readonly fileIds: readonly string[];
}

/** Photos of an album besides the first (Telegram allows 10 in all). */
export const MAX_ALBUM_EXTRA = 9;

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
  | { readonly type: "aspect"; readonly aspect: Aspect }
  | { readonly type: "preset"; readonly preset: PresetId }
  | { readonly type: "auto" }
  | { readonly type: "back" }
  | { readonly type: "cancel" }
  | { readonly type: "confirm" };

/** Something the user did while the wizard was open. */
export type WizardEvent =
  | WizardButton
  | {
    readonly type: "photo";
    readonly fileId: string;
    /** The photo's caption: the motion prompt. */
    readonly caption?: string | undefined;
    /** Its album's `media_group_id`, if it came in one. */
    readonly groupId?: string | undefined;
  }
  /** Text typed at the motion step: the user's own prompt. */
  | { readonly type: "text"; readonly text: string };

/** What an event leads to. */
export type WizardOutcome =
  /** Show `draft.step` (the next step, or the same one with a new photo). */
  | { readonly kind: "step"; readonly draft: WizardDraft }
  /** Another photo of the wizard's album: the screen stays as it is. */
  | { readonly kind: "album"; readonly album: WizardAlbum }
  /** The user left the wizard. */
  | { readonly kind: "cancel" }
  /** The user confirmed: start this job. */
  | {
    readonly kind: "confirm";
    readonly fileId: string;
    readonly settings: VideoSettings;
    readonly prompt?: string;
    readonly aspect?: Aspect;
    /** The album's other photos, each a job with the same settings. */
    readonly album?: readonly string[];
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
  motion: "photo",
  duration: "motion",
  quality: "duration",
  confirm: "quality",
};

// A photo: the wizard's photo (or another photo of its album).
function photoStep(
  state: WizardDraft,
  event: Extract<WizardEvent, { type: "photo" }>,
): WizardOutcome {
  const at = (step: WizardStep, fields: Partial<WizardDraft>) => ({
    kind: "step" as const,
    draft: { ...state, ...fields, step },
  });
  const album = state.album;
  if (event.groupId !== undefined && album?.groupId === event.groupId) {
    return album.fileIds.length < MAX_ALBUM_EXTRA
      ? {
        kind: "album",
        album: { ...album, fileIds: [...album.fileIds, event.fileId] },
      }
      : { kind: "ignored" };
  }
  // A photo mid-way replaces the one chosen before and keeps the step:
  // the settings picked so far still apply to the new picture. Its
  // caption, if any, is the motion prompt (and skips that step).
  const caption = cleanPrompt(event.caption);
  const fields = {
    fileId: event.fileId,
    album: event.groupId === undefined
      ? undefined
      : { groupId: event.groupId, fileIds: [] },
    ...(caption === undefined ? {} : { prompt: caption }),
  };
  if (state.step !== "photo") return at(state.step, fields);
  return at(caption === undefined ? "motion" : "duration", fields);
}

/**
 * Applies one event to the wizard; `locale` picks the language of a
 * preset's prompt.
 */
export function advance(
  state: WizardDraft,
  event: WizardEvent,
  locale = "ru",
): WizardOutcome {
  const at = (step: WizardStep, fields: Partial<WizardDraft> = {}) => ({
    kind: "step" as const,
    draft: { ...state, ...fields, step },
  });
  switch (event.type) {
    case "cancel":
      return { kind: "cancel" };
    case "photo":
      return photoStep(state, event);
    case "auto":
      return state.step === "motion"
        ? at("duration", { prompt: undefined })
        : { kind: "ignored" };
    case "preset":
      return state.step === "motion"
        ? at("duration", { prompt: presetPrompt(event.preset, locale) })
        : { kind: "ignored" };
    case "text": {
      const prompt = cleanPrompt(event.text);
      return state.step === "motion" && prompt !== undefined
        ? at("duration", { prompt })
        : { kind: "ignored" };
    }
    case "duration":
      return state.step === "duration"
        ? at("quality", { duration: event.duration })
        : { kind: "ignored" };
    case "quality":
      return state.step === "quality"
        ? at("confirm", { quality: event.quality })
        : { kind: "ignored" };
    // The ratio is picked on the confirmation, which shows it (and the
    // price, which it does not change).
    case "aspect":
      return state.step === "confirm"
        ? at("confirm", { aspect: event.aspect })
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
      const settings = { duration, quality };
      return {
        kind: "confirm",
        fileId,
        settings,
        ...(state.prompt === undefined ? {} : { prompt: state.prompt }),
        ...(state.aspect === undefined || state.aspect === "photo"
          ? {}
          : { aspect: state.aspect }),
        ...(state.album?.fileIds.length ? { album: state.album.fileIds } : {}),
      };
    }
  }
}

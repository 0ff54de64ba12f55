/**
 * Inline keyboards. Labels come from the locale; data from
 * {@link encodeCallback}.
 *
 * @module
 */

import { InlineKeyboard } from "grammy";
import type { InlineKeyboardButton } from "grammy/types";
import type { Messages } from "../i18n/mod.ts";
import { DURATIONS, priceOf, QUALITIES, QUALITY_NAMES } from "../pricing.ts";
import { PRESET_IDS, PRESETS } from "../prompts/mod.ts";
import type { WizardButton, WizardState } from "../wizard/mod.ts";
import { encodeCallback, type MenuAction } from "./callback_data.ts";
import { aspectRow } from "./aspect_view.ts";

/** A button that opens a menu screen. */
export function menuButton(
  action: MenuAction,
  label: string,
): InlineKeyboardButton {
  return InlineKeyboard.text(label, encodeCallback({ kind: "menu", action }));
}

/** The main menu: create, quick mode, balance, statistics, help, language. */
export function mainMenu(t: Messages): InlineKeyboard {
  const b = t.buttons;
  const language = InlineKeyboard.text(
    t.switchLanguage.label,
    encodeCallback({ kind: "lang", locale: t.switchLanguage.to }),
  );
  return InlineKeyboard.from([
    [menuButton("create", b.create)],
    [menuButton("quick", b.quick)],
    [menuButton("balance", b.balance), menuButton("stats", b.stats)],
    [menuButton("videos", t.myVideos.button)],
    [menuButton("help", b.help), language],
  ]);
}

/**
 * Under a delivered video: repeat it (with the job's id), create another,
 * quick mode, main menu.
 */
export function afterVideo(t: Messages, jobId?: string): InlineKeyboard {
  const b = t.buttons;
  const repeat = jobId === undefined ? [] : [[
    InlineKeyboard.text(
      t.myVideos.repeat,
      encodeCallback({ kind: "job", action: "repeat", jobId }),
    ),
  ]];
  return InlineKeyboard.from([
    ...repeat,
    [menuButton("create", b.createMore), menuButton("quick", b.quick)],
    [menuButton("menu", b.menu)],
  ]);
}

/** A single "main menu" button, for screens that lead back. */
export function backToMenu(t: Messages): InlineKeyboard {
  return InlineKeyboard.from([[menuButton("menu", t.buttons.menu)]]);
}

/** The buttons of the wizard's current step, stamped with its nonce. */
export function wizardKeyboard(
  t: Messages,
  state: WizardState,
  tokensPerVideo: number,
): InlineKeyboard {
  const b = t.buttons;
  const button = (label: string, wizard: WizardButton) =>
    InlineKeyboard.text(
      label,
      encodeCallback({ kind: "wizard", nonce: state.nonce, button: wizard }),
    );
  const cancel = button(b.cancel, { type: "cancel" });
  const footer = [button(b.back, { type: "back" }), cancel];
  switch (state.step) {
    case "photo":
      return InlineKeyboard.from([[cancel]]);
    case "motion": {
      const presets = PRESET_IDS.map((preset) =>
        button(PRESETS[preset][t.motion.presetLanguage].label, {
          type: "preset",
          preset,
        })
      );
      const rows = [];
      for (let i = 0; i < presets.length; i += 2) {
        rows.push(presets.slice(i, i + 2));
      }
      return InlineKeyboard.from([
        ...rows,
        [button(t.motion.auto, { type: "auto" })],
        footer,
      ]);
    }
    case "duration":
      return InlineKeyboard.from([
        ...DURATIONS.map((duration) => [
          button(
            b.duration({ duration, cost: priceOf(duration, tokensPerVideo) }),
            { type: "duration", duration },
          ),
        ]),
        footer,
      ]);
    case "quality":
      return InlineKeyboard.from([
        ...QUALITY_NAMES.map((quality) => [
          button(b.quality({ quality, px: QUALITIES[quality] }), {
            type: "quality",
            quality,
          }),
        ]),
        footer,
      ]);
    case "confirm":
      return InlineKeyboard.from([
        aspectRow(t, state.aspect, button),
        [button(b.confirm, { type: "confirm" })],
        footer,
      ]);
  }
}

/** ◀ ▶ under a page of the admin's user list (zero-based `page`). */
export function usersPager(
  t: Messages,
  page: number,
  pages: number,
): InlineKeyboard | undefined {
  const row = [];
  if (page > 0) {
    row.push(InlineKeyboard.text(
      t.buttons.prev,
      encodeCallback({ kind: "users", page: page - 1 }),
    ));
  }
  if (page < pages - 1) {
    row.push(InlineKeyboard.text(
      t.buttons.next,
      encodeCallback({ kind: "users", page: page + 1 }),
    ));
  }
  return row.length === 0 ? undefined : InlineKeyboard.from([row]);
}

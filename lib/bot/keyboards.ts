/**
 * Inline keyboards. Labels come from the locale; data from
 * {@link encodeCallback}.
 *
 * @module
 */

import { InlineKeyboard } from "grammy";
import type { Messages } from "../i18n/mod.ts";
import { encodeCallback, type MenuAction } from "./callback_data.ts";

function menuButton(action: MenuAction, label: string) {
  return InlineKeyboard.text(label, encodeCallback({ kind: "menu", action }));
}

/** The main menu: create, quick mode, balance, statistics, help. */
export function mainMenu(t: Messages): InlineKeyboard {
  const b = t.buttons;
  return InlineKeyboard.from([
    [menuButton("create", b.create)],
    [menuButton("quick", b.quick)],
    [menuButton("balance", b.balance), menuButton("stats", b.stats)],
    [menuButton("help", b.help)],
  ]);
}

/** Under a delivered video: create another, quick mode, main menu. */
export function afterVideo(t: Messages): InlineKeyboard {
  const b = t.buttons;
  return InlineKeyboard.from([
    [menuButton("create", b.createMore), menuButton("quick", b.quick)],
    [menuButton("menu", b.menu)],
  ]);
}

/** A single "main menu" button, for screens that lead back. */
export function backToMenu(t: Messages): InlineKeyboard {
  return InlineKeyboard.from([[menuButton("menu", t.buttons.menu)]]);
}

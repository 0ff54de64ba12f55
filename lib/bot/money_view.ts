/**
 * What payments and referrals add to existing screens: pack buttons and
 * the invite button under the balance, the referral counts in its text,
 * and pack buttons under "not enough tokens".
 *
 * @module
 */

import { InlineKeyboard } from "grammy";
import type { StartOutcome } from "../jobs/runner.ts";
import { encodeCallback } from "./callback_data.ts";
import type { BotContext } from "./context.ts";
import type { BotDeps } from "./deps.ts";
import { backToMenu, mainMenu } from "./keyboards.ts";

/** One button per pack on sale, two to a row. */
export function packRows(
  ctx: BotContext,
  deps: BotDeps,
): ReturnType<typeof InlineKeyboard.text>[][] {
  const buttons = (deps.money?.packs ?? []).map((pack) =>
    InlineKeyboard.text(
      ctx.t.money.packButton(pack),
      encodeCallback({ kind: "pack", tokens: pack.tokens }),
    )
  );
  const rows = [];
  for (let i = 0; i < buttons.length; i += 2) {
    rows.push(buttons.slice(i, i + 2));
  }
  return rows;
}

/** The balance screen's extra text: referral counts and the packs title. */
export function balanceExtra(ctx: BotContext, deps: BotDeps): string {
  const money = deps.money;
  if (money === undefined) return "";
  let text = "";
  if (money.referrals.bonus > 0) {
    text += ctx.t.money.referrals(money.referrals.counts(ctx.account.userId));
  }
  if (money.packs.length > 0) text += ctx.t.money.packsTitle;
  return text;
}

/** Under the balance: the packs, the invite button, the main menu. */
export function balanceKeyboard(
  ctx: BotContext,
  deps: BotDeps,
): InlineKeyboard {
  const menu = backToMenu(ctx.t).inline_keyboard;
  const invite = (deps.money?.referrals.bonus ?? 0) > 0
    ? [[
      InlineKeyboard.text(
        ctx.t.money.inviteButton,
        encodeCallback({ kind: "invite" }),
      ),
    ]]
    : [];
  return InlineKeyboard.from([...packRows(ctx, deps), ...invite, ...menu]);
}

/**
 * Under a refusal to start a video: the packs first when the user lacks
 * tokens and packs are on sale, then the main menu.
 */
export function refusalKeyboard(
  ctx: BotContext,
  deps: BotDeps,
  outcome: StartOutcome,
): InlineKeyboard {
  const menu = mainMenu(ctx.t).inline_keyboard;
  if (outcome.kind !== "insufficient") return mainMenu(ctx.t);
  return InlineKeyboard.from([...packRows(ctx, deps), ...menu]);
}

/**
 * What payments and referrals add to existing screens: pack buttons and
 * the invite button under the balance, the referral counts in its text,
 * and pack buttons under "not enough tokens".
 *
 * @module
 */

import { InlineKeyboard } from "grammy";
import type { Messages } from "../i18n/mod.ts";
import type { StartOutcome } from "../jobs/mod.ts";
import type { TokenPack } from "../payments/mod.ts";
import { encodeCallback } from "./callback_data.ts";
import type { BotContext } from "./context.ts";
import type { BotDeps } from "./deps.ts";
import { backToMenu, mainMenu } from "./keyboards.ts";

/** One button per pack on sale, two to a row. */
export function packRows(
  t: Messages,
  packs: readonly TokenPack[],
): ReturnType<typeof InlineKeyboard.text>[][] {
  const buttons = packs.map((pack) =>
    InlineKeyboard.text(
      t.money.packButton(pack),
      encodeCallback({ kind: "pack", tokens: pack.tokens }),
    )
  );
  const rows = [];
  for (let i = 0; i < buttons.length; i += 2) {
    rows.push(buttons.slice(i, i + 2));
  }
  return rows;
}

/** What "not enough tokens" needs to know besides the figures. */
export interface NotEnoughContext {
  readonly packs: readonly TokenPack[];
  readonly adminContact: string | undefined;
}

/**
 * "Not enough tokens": while Stars packs are on sale it points at their
 * buttons (which go under it, then the main menu), otherwise at the admin.
 */
export function notEnoughReply(
  t: Messages,
  figures: { readonly needed: number; readonly balance: number },
  context: NotEnoughContext,
): { text: string; keyboard: InlineKeyboard } {
  const admin = context.adminContact
    ? t.adminContact({ link: context.adminContact })
    : "";
  const text = t.notEnough({
    ...figures,
    admin,
    packs: context.packs.length > 0,
  });
  const menu = mainMenu(t).inline_keyboard;
  return {
    text,
    keyboard: InlineKeyboard.from([...packRows(t, context.packs), ...menu]),
  };
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
  const packs = packRows(ctx.t, deps.money?.packs ?? []);
  return InlineKeyboard.from([...packs, ...invite, ...menu]);
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
  if (outcome.kind !== "insufficient") return mainMenu(ctx.t);
  return notEnoughReply(ctx.t, outcome, notEnoughContext(deps)).keyboard;
}

/** The packs and the admin contact of a running bot. */
export function notEnoughContext(deps: BotDeps): NotEnoughContext {
  return {
    packs: deps.money?.packs ?? [],
    adminContact: deps.adminContact,
  };
}

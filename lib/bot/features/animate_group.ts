/**
 * `/animate` in groups (and `/animate@<bot>`), the one thing the bot does
 * there: as a reply to a photo it makes a quick-mode video and posts it in
 * the group as a reply, paid from the private balance of whoever asked.
 * Status texts and balances go to the asker's private chat only; someone
 * who never started the bot, or lacks tokens, gets one short reply with a
 * link to the bot and is charged nothing. One start per group per
 * {@link GROUP_COOLDOWN_MS}; a group admin switches it off (and on) with
 * `/animate off` (`/animate on`). Everything else passes on to the group
 * guard, which keeps groups silent.
 *
 * @module
 */

import { Composer, type Context } from "grammy";
import { systemClock } from "../../clock.ts";
import type { GroupSettings } from "../../groups/mod.ts";
import {
  asLocale,
  localeFor,
  type Messages,
  messages,
} from "../../i18n/mod.ts";
import { QUICK_SETTINGS } from "../../pricing.ts";
import { cleanPrompt } from "../../prompts/mod.ts";
import type { StartOutcome } from "../../jobs/mod.ts";
import type { BotDeps } from "../deps.ts";
import { imageInput } from "../image_input.ts";

/** The least time between two videos started in one group. */
export const GROUP_COOLDOWN_MS = 60_000;
const ADMIN_STATUSES = new Set(["creator", "administrator"]);

/** The /animate command in groups (see the module doc). */
export function animateGroupFeature(
  deps: BotDeps,
  groupSettings: GroupSettings,
): Composer<Context> {
  const feature = new Composer<Context>();
  const clock = deps.clock ?? systemClock;
  const lastStart = new Map<number, number>();
  const groups = feature.chatType(["group", "supergroup"]);
  groups.command("animate", async (ctx) => {
    const from = ctx.from;
    if (from === undefined) return;
    const stored = (await deps.ledger.account(from.id))?.language;
    const t = messages(
      stored ? asLocale(stored) : localeFor(from.language_code),
    );
    const arg = ctx.match.trim().toLowerCase();
    if (arg === "off" || arg === "on") {
      await switchAnimate(ctx, groupSettings, t, arg === "on");
      return;
    }
    if ((await groupSettings.animateOff(ctx.chat.id))) return;
    const photo = ctx.message?.reply_to_message;
    const input = photo && imageInput(photo);
    const reply = (text: string) =>
      ctx.reply(text, {
        reply_parameters: {
          message_id: ctx.msgId ?? 0,
          allow_sending_without_reply: true,
        },
      });
    if (photo === undefined || input?.kind !== "image") {
      await reply(t.features.groupUsage);
      return;
    }
    const link = `https://t.me/${ctx.me.username}?start=group`;
    const account = await deps.ledger.account(from.id);
    if (account === undefined) {
      return void await reply(t.features.groupStart({ link }));
    }
    // The group's cooldown: a burst of /animate makes one video.
    const last = lastStart.get(ctx.chat.id);
    if (last !== undefined && clock.now() - last < GROUP_COOLDOWN_MS) return;
    const outcome = await deps.jobs.start({
      userId: from.id,
      chatId: from.id,
      locale: asLocale(account.language),
      fileId: input.fileId,
      updateId: ctx.update.update_id,
      mode: "quick",
      settings: QUICK_SETTINGS,
      prompt: cleanPrompt(photo.caption),
      videoChatId: ctx.chat.id,
      replyTo: photo.message_id,
    });
    if (outcome.kind === "started") lastStart.set(ctx.chat.id, clock.now());
    await answer(ctx, { t, outcome, reply, link });
  });
  return feature;
}

// What the group (or, for limits, the asker privately) is told.
async function answer(
  ctx: Context,
  o: {
    t: Messages;
    outcome: StartOutcome;
    reply: (text: string) => Promise<unknown>;
    link: string;
  },
): Promise<void> {
  const { t, outcome } = o;
  if (outcome.kind === "insufficient") {
    await o.reply(t.features.groupStart({ link: o.link }));
  } else if (outcome.kind === "busy" && ctx.from) {
    // Said privately: the group sees no limits nor balances.
    await ctx.api.sendMessage(ctx.from.id, t.busy({ limit: outcome.limit }))
      .catch(() => {});
  } else if (outcome.kind === "started") {
    await o.reply(t.features.groupStarted);
    await outcome.admitted;
  }
}

async function switchAnimate(
  ctx: Context & { chat: { id: number } },
  groups: GroupSettings,
  t: Messages,
  on: boolean,
): Promise<void> {
  const from = ctx.from;
  if (from === undefined) return;
  // An anonymous admin posts as the group itself.
  const anonymous = ctx.message?.sender_chat?.id === ctx.chat.id;
  const admin = anonymous ||
    ADMIN_STATUSES.has((await ctx.getChatMember(from.id)).status);
  if (!admin) {
    await ctx.reply(t.features.groupNotAdmin);
    return;
  }
  await groups.setAnimate(ctx.chat.id, on, from.id);
  await ctx.reply(on ? t.features.groupOn : t.features.groupOff);
}

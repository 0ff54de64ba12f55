/**
 * The "🎞 Мои видео" screen: the user's last delivered videos (date,
 * settings, prompt) with a numbered button each that sends the video
 * again by its Telegram file_id — free, instant, no render.
 *
 * @module
 */

import { InlineKeyboard } from "grammy";
import { formatDate } from "../i18n/mod.ts";
import { shortPrompt } from "../prompts/mod.ts";
import { encodeCallback } from "./callback_data.ts";
import type { BotContext } from "./context.ts";
import type { BotDeps } from "./deps.ts";
import { menuButton } from "./keyboards.ts";

/** How many videos the list shows. */
export const MY_VIDEOS_LIMIT = 20;

const PER_ROW = 5;

/** The text and buttons of the user's video list. */
export async function myVideosScreen(
  ctx: BotContext,
  deps: BotDeps,
): Promise<[string, InlineKeyboard]> {
  const t = ctx.t;
  const jobs =
    await deps.videos?.delivered(ctx.account.userId, MY_VIDEOS_LIMIT) ?? [];
  const home = [menuButton("menu", t.buttons.menu)];
  if (jobs.length === 0) {
    return [t.myVideos.empty, InlineKeyboard.from([home])];
  }
  const lines = jobs.map((job, i) =>
    t.myVideos.line({
      n: i + 1,
      date: formatDate(ctx.locale, job.createdAt, { time: true }) ??
        job.createdAt,
      duration: job.duration,
      quality: job.quality,
      prompt: job.prompt === undefined ? undefined : shortPrompt(job.prompt),
    })
  );
  const buttons = jobs.map((job, i) =>
    InlineKeyboard.text(
      t.myVideos.get({ n: i + 1 }),
      encodeCallback({ kind: "job", action: "resend", jobId: job.id }),
    )
  );
  const rows = [];
  for (let i = 0; i < buttons.length; i += PER_ROW) {
    rows.push(buttons.slice(i, i + PER_ROW));
  }
  const text = `${t.myVideos.title({ count: jobs.length })}\n\n${
    lines.join("\n")
  }`;
  return [text, InlineKeyboard.from([...rows, home])];
}

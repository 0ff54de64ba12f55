/**
 * Inline sharing: typing `@<bot>` in any chat lists the user's own recent
 * videos by their cached Telegram file ids, so one tap posts a video with
 * its caption there. Answers are personal and cached briefly (a new video
 * shows within seconds). Runs before accounts are loaded: someone who has
 * never started the bot gets a friendly empty answer, and no account.
 *
 * @module
 */

import { Composer, type Context } from "grammy";
import type { InlineQueryResultCachedVideo } from "grammy/types";
import { asLocale, formatDate, localeFor, messages } from "../../i18n/mod.ts";
import { videoCaption } from "../job_view/mod.ts";
import type { BotDeps } from "../deps.ts";

/** How many videos an inline answer lists (Telegram allows 50). */
export const INLINE_LIMIT = 20;
/** Seconds Telegram may reuse an answer for the same user. */
export const INLINE_CACHE_SECONDS = 10;

/** Answers inline queries (see the module doc). */
export function inlineFeature(deps: BotDeps): Composer<Context> {
  const feature = new Composer<Context>();
  feature.on("inline_query", async (ctx) => {
    const from = ctx.inlineQuery.from;
    const stored = (await deps.ledger.account(from.id))?.language;
    const locale = stored ? asLocale(stored) : localeFor(from.language_code);
    const t = messages(locale);
    const jobs = await deps.videos?.delivered(from.id, INLINE_LIMIT) ?? [];
    const results = jobs.flatMap((job): InlineQueryResultCachedVideo[] =>
      job.videoFileId === undefined ? [] : [{
        type: "video",
        id: job.id.slice(0, 64),
        "video_file_id": job.videoFileId,
        title: t.features.inlineTitle({
          duration: job.duration,
          quality: t.quality(job.quality),
        }),
        description: formatDate(locale, job.createdAt, { time: true }) ??
          job.createdAt,
        caption: videoCaption(job, {
          botUsername: ctx.me.username,
          preview: false,
        }),
      }]
    );
    await ctx.answerInlineQuery(results, {
      "cache_time": INLINE_CACHE_SECONDS,
      "is_personal": true,
      // Nothing to share yet: a button that opens the bot instead.
      ...(results.length === 0
        ? {
          button: {
            text: t.features.inlineEmptyButton,
            "start_parameter": "inline",
          },
        }
        : {}),
    });
  });
  return feature;
}

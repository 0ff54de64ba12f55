import { Composer } from "grammy";
import { AlbumCollector } from "../../albums/mod.ts";
import { systemClock } from "../../clock.ts";
import {
  ALBUM_CALLBACK,
  confirmAlbum,
  PendingAlbums,
  startAlbum,
} from "../album_order.ts";
import type { BotContext } from "../context.ts";
import type { BotDeps } from "../deps.ts";
import { imageInput } from "../image_input.ts";

/**
 * Photos sent as an album in quick mode: collected (see lib/albums), then
 * one confirmation; ✅ starts them all, ✖ drops them. A single photo, or
 * one the wizard takes, passes on.
 */
export function albumFeature(deps: BotDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const pending = new PendingAlbums();
  let api: BotContext["api"] | undefined;
  const collector = new AlbumCollector(
    deps.clock ?? systemClock,
    async (album) => {
      if (api === undefined) return;
      await confirmAlbum(api, deps, { album, pending }).catch((error) =>
        deps.log.warn("cannot confirm an album", { error })
      );
    },
  );

  feature.on(["message:photo", "message:document"], (ctx, next) => {
    const groupId = ctx.message.media_group_id;
    const input = imageInput(ctx.message);
    if (groupId === undefined || input?.kind !== "image") return next();
    // Stored only: the confirmation comes once the album is complete.
    api = ctx.api;
    collector.add(
      { userId: ctx.account.userId, chatId: ctx.chat.id, groupId },
      {
        fileId: input.fileId,
        updateId: ctx.update.update_id,
        messageId: ctx.message.message_id,
        caption: ctx.message.caption,
      },
    );
    return Promise.resolve();
  });

  feature.callbackQuery(ALBUM_CALLBACK, async (ctx) => {
    const [, nonce = "", action] = ctx.match;
    const order = pending.take(nonce, ctx.account.userId);
    if (order === undefined) {
      await ctx.answerCallbackQuery({ text: ctx.t.stale });
      return;
    }
    await ctx.answerCallbackQuery();
    const count = order.album.photos.length;
    await ctx.editMessageReplyMarkup().catch(() => {});
    if (action === "x") {
      await ctx.reply(ctx.t.features.albumCancelled);
      return;
    }
    await ctx.reply(ctx.t.features.albumStarted({ count }));
    await startAlbum(ctx.api, deps, order);
  });
  return feature;
}

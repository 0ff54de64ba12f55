import { Composer } from "grammy";
import type { PhotoSize } from "grammy/types";
import type { StartOutcome } from "../../jobs/runner.ts";
import { QUICK_SETTINGS } from "../../pricing.ts";
import { TELEGRAM_DOWNLOAD_LIMIT } from "../../telegram/files.ts";
import type { BotContext } from "../context.ts";
import type { BotDeps } from "../deps.ts";
import { mainMenu } from "../keyboards.ts";

const IMAGE_TYPES = new Set(["image/jpeg", "image/png", "image/webp"]);
const LIMIT_MB = Math.floor(TELEGRAM_DOWNLOAD_LIMIT / 1024 / 1024);

// Telegram lists sizes smallest first, but nothing promises it.
function largest(sizes: readonly PhotoSize[]): PhotoSize | undefined {
  return sizes.reduce<PhotoSize | undefined>(
    (best, size) =>
      best === undefined || size.width * size.height > best.width * best.height
        ? size
        : best,
    undefined,
  );
}

/** A photo (or an image sent as a file) starts a quick-mode video. */
export function photoFeature(deps: BotDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();

  const start = async (ctx: BotContext, fileId: string, size?: number) => {
    if (size !== undefined && size > TELEGRAM_DOWNLOAD_LIMIT) {
      await ctx.reply(ctx.t.tooBig({ limit: LIMIT_MB }));
      return;
    }
    const outcome = deps.jobs.start({
      userId: ctx.account.userId,
      chatId: ctx.chatId ?? ctx.account.userId,
      locale: ctx.locale,
      fileId,
      updateId: ctx.update.update_id,
      mode: "quick",
      settings: QUICK_SETTINGS,
    });
    await answer(ctx, deps, outcome);
  };

  feature.on("message:photo", async (ctx) => {
    const photo = largest(ctx.message.photo);
    if (photo === undefined) return;
    await start(ctx, photo.file_id, photo.file_size);
  });

  feature.on("message:document", async (ctx) => {
    const doc = ctx.message.document;
    if (!IMAGE_TYPES.has(doc.mime_type ?? "")) {
      await ctx.reply(ctx.t.notImage);
      return;
    }
    await start(ctx, doc.file_id, doc.file_size);
  });

  return feature;
}

async function answer(
  ctx: BotContext,
  deps: BotDeps,
  outcome: StartOutcome,
): Promise<void> {
  switch (outcome.kind) {
    case "started":
    case "duplicate":
      // The job's own progress message speaks from here on.
      return;
    case "busy":
      await ctx.reply(ctx.t.busy({ limit: outcome.limit }));
      return;
    case "insufficient": {
      const admin = deps.adminContact
        ? ctx.t.adminContact({ link: deps.adminContact })
        : "";
      await ctx.reply(
        ctx.t.notEnough({
          needed: outcome.needed,
          balance: outcome.balance,
          admin,
        }),
        { reply_markup: mainMenu(ctx.t) },
      );
    }
  }
}

import { Composer } from "grammy";
import { parseCallback } from "../callback_data.ts";
import type { BotContext } from "../context.ts";
import type { BotDeps } from "../deps.ts";
import { isAdmin, usersText, userText } from "../admin_view.ts";
import { usersPager } from "../keyboards.ts";
import { showScreen } from "../screen.ts";
import { parseUserId } from "../command_args.ts";

/**
 * `/users` (15 per page, ◀ ▶ edit the list in place) and `/user USER_ID`.
 * For anyone but an admin the commands do not exist and the page buttons
 * are expired.
 */
export function adminUsersFeature(deps: BotDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();

  const showPage = async (ctx: BotContext, page: number) => {
    const users = await deps.admin.users(page);
    const pager = usersPager(ctx.t, users.page, users.pages);
    await showScreen(ctx, usersText(ctx, users), pager);
  };

  feature.command("users", async (ctx, next) => {
    if (!isAdmin(ctx, deps)) return next();
    await showPage(ctx, 0);
  });

  feature.on("callback_query:data", async (ctx, next) => {
    const callback = parseCallback(ctx.callbackQuery.data);
    if (callback?.kind !== "users") return next();
    if (!isAdmin(ctx, deps)) {
      await ctx.answerCallbackQuery({ text: ctx.t.stale });
      return;
    }
    await ctx.answerCallbackQuery();
    await showPage(ctx, callback.page);
  });

  feature.command("user", async (ctx, next) => {
    if (!isAdmin(ctx, deps)) return next();
    const id = parseUserId(ctx.match);
    if (id === undefined) {
      await ctx.reply(ctx.t.admin.userUsage);
      return;
    }
    const user = await deps.admin.user(id);
    const ban = await deps.bans?.get(id);
    const banLine = ban && ctx.t.features.banLine({
      by: ban.bannedBy,
      at: ban.bannedAt,
      reason: ban.reason ?? "—",
    });
    await ctx.reply(
      user === undefined
        ? [ctx.t.admin.noUser({ id }), banLine].filter(Boolean).join("\n\n")
        : [await userText(ctx, deps, user), banLine].filter(Boolean).join(
          "\n\n",
        ),
    );
  });

  return feature;
}

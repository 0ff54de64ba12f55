/**
 * The Telegram bot: `createBot(token, deps, options)` wires every feature
 * behind one error boundary. Jobs run outside the update handlers, so
 * updates keep flowing while videos render.
 *
 * @module
 */

import { Bot, type Context, type NextFunction } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import { asLocale, localeFor, messages } from "../i18n/mod.ts";
import { banGuard } from "./ban_guard.ts";
import { systemClock } from "../clock.ts";
import { privateChatsOnly } from "./group_guard.ts";
import { profileOf } from "./profile.ts";
import type { BotContext } from "./context.ts";
import type { BotDeps } from "./deps.ts";
import { errorHandler } from "./error_handler.ts";
import { paymentReceipt } from "./payment_receipt.ts";
import { adminBackendsFeature } from "./features/admin_backends.ts";
import { adminBroadcastFeature } from "./features/admin_broadcast.ts";
import { adminGrantAllFeature } from "./features/admin_grant_all.ts";
import { adminRefundFeature } from "./features/admin_refund.ts";
import { adminDashboardFeature } from "./features/admin_dashboard.ts";
import { adminStatsFeature } from "./features/admin_stats.ts";
import { adminTokensFeature } from "./features/admin_tokens.ts";
import { adminUsersFeature } from "./features/admin_users.ts";
import { adminBansFeature } from "./features/admin_bans.ts";
import { inlineFeature } from "./features/inline.ts";
import { albumFeature } from "./features/album.ts";
import { animateGroupFeature } from "./features/animate_group.ts";
import { jobActionsFeature } from "./features/job_actions.ts";
import { jobCancelFeature } from "./features/job_cancel.ts";
import { languageFeature } from "./features/language.ts";
import { menuFeature } from "./features/menu.ts";
import { paymentsFeature } from "./features/payments.ts";
import { referralsFeature } from "./features/referrals.ts";
import { photoFeature } from "./features/photo.ts";
import { startFeature } from "./features/start.ts";
import { unhandledFeature } from "./features/unhandled.ts";
import { wizardButtonsFeature } from "./features/wizard_buttons.ts";
import { wizardInputFeature } from "./features/wizard_input.ts";

export type { BotContext } from "./context.ts";
export type { BotDeps, CancelOutcome, JobStarter, TimeStats } from "./deps.ts";
export type { MoneyDeps } from "./money_deps.ts";
export { encodeCallback, parseCallback } from "./callback_data.ts";
export { registerCommands } from "./commands.ts";
export { notEnoughReply } from "./money_view.ts";
export { TelegramJobNotifier } from "./job_view/mod.ts";

/** How the bot reaches Telegram. */
export interface BotOptions {
  /** Bot API root (a local Bot API server, or the fake one in tests). */
  readonly apiRoot?: string;
  /** Skips getMe at start when already known. */
  readonly botInfo?: UserFromGetMe;
  readonly fetch?: typeof fetch;
}

/** Creates the bot with all features; start it with `bot.start()`. */
export function createBot(
  token: string,
  deps: BotDeps,
  options: BotOptions = {},
): Bot<BotContext> {
  const bot = new Bot<BotContext>(token, {
    client: {
      ...(options.apiRoot ? { apiRoot: options.apiRoot } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    },
    ...(options.botInfo ? { botInfo: options.botInfo } : {}),
  });
  bot.catch(errorHandler(deps.log));
  // Before the update log: a payment is credited on every delivery.
  bot.use(paymentReceipt(deps));
  bot.use(updateMiddleware(deps));
  // A banned user's updates stop here: no account, no job, no token.
  if (deps.bans) {
    bot.use(banGuard({
      bans: deps.bans,
      clock: deps.clock ?? systemClock,
      adminUserIds: deps.adminUserIds,
      languageOf: async (id) => (await deps.ledger.account(id))?.language,
    }));
  }
  // Money and balances live in private chats only: nothing below runs for
  // a group or a channel (and no account is made for its members).
  // /animate is the one command groups get; the guard silences the rest.
  if (deps.groups) bot.use(animateGroupFeature(deps, deps.groups));
  bot.use(privateChatsOnly(deps));
  // Inline queries come from any chat; they read videos, never accounts.
  bot.use(inlineFeature(deps));
  bot.use(userMiddleware(deps));
  const features = bot.errorBoundary(errorHandler(deps.log));
  features.use(adminBroadcastFeature(deps));
  features.use(referralsFeature(deps));
  features.use(startFeature(deps));
  features.use(adminTokensFeature(deps));
  features.use(adminUsersFeature(deps));
  features.use(adminBansFeature(deps));
  features.use(adminStatsFeature(deps));
  features.use(adminBackendsFeature(deps));
  features.use(adminRefundFeature(deps));
  features.use(adminGrantAllFeature(deps));
  features.use(paymentsFeature(deps));
  features.use(adminDashboardFeature(deps));
  features.use(languageFeature(deps));
  features.use(menuFeature(deps));
  features.use(wizardButtonsFeature(deps));
  features.use(jobCancelFeature(deps));
  features.use(jobActionsFeature(deps));
  // The wizard takes photos and text while it is open; quick mode the rest.
  features.use(wizardInputFeature(deps));
  features.use(albumFeature(deps));
  features.use(photoFeature(deps));
  features.use(unhandledFeature());
  return bot;
}

// Skips an update handled before (one handed to the bot directly, as
// tests do, is recorded here; a stored one is marked done after it).
function updateMiddleware(deps: BotDeps) {
  return async (ctx: Context, next: NextFunction) => {
    const verdict = await deps.updates?.record(
      ctx.update.update_id,
      ctx.from?.id,
    );
    if (verdict === "seen") {
      deps.log.info("skipped a re-delivered update", {
        update: ctx.update.update_id,
      });
      return;
    }
    if (verdict === "given_up") {
      deps.log.error("update given up: its handling failed on every try", {
        update: ctx.update.update_id,
      });
      return;
    }
    await next();
  };
}

// Loads (or creates, with the welcome bonus) the sender's account and picks
// the language before any feature runs: the stored one, else the one of
// the user's Telegram client, which is then stored so that messages sent
// outside an update (a token grant) speak it too.
function userMiddleware(deps: BotDeps) {
  return async (ctx: Context & Partial<BotContext>, next: NextFunction) => {
    const from = ctx.from;
    if (from === undefined || from.is_bot) return;
    let account = await deps.ledger.account(from.id) ??
      (await deps.ledger.ensureUser(profileOf(from))).account;
    if (account.language === undefined) {
      // Users carried over from the old bot have no language yet.
      await deps.ledger.setLanguage(from.id, localeFor(from.language_code));
      account = { ...account, language: localeFor(from.language_code) };
    }
    const locale = asLocale(account.language);
    ctx.account = account;
    ctx.locale = locale;
    ctx.t = messages(locale);
    await next();
  };
}

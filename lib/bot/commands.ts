/**
 * The command list Telegram shows in the "/" menu: `/start` for everyone,
 * the admin commands only in the admins' own chats.
 *
 * @module
 */

import type { Api } from "grammy";
import type { BotCommand, BotCommandScope } from "grammy/types";
import { LOCALES, type Messages } from "../i18n/mod.ts";
import type { Logger } from "../log.ts";

/** The admin commands, as typed after the slash. */
export const ADMIN_COMMANDS = [
  "addtokens",
  "users",
  "user",
  "stats",
  "backends",
  "refund",
  "broadcast",
  "grant_all",
  "dashboard",
  "ban",
  "unban",
] as const;

/** Commands Telegram requires of bots that take payments. */
export const PAYMENT_COMMANDS = ["paysupport", "terms"] as const;

function commands(
  t: Messages,
  options: { admin: boolean; payments: boolean },
): BotCommand[] {
  const names: (keyof Messages["commands"])[] = ["start"];
  if (options.payments) names.push(...PAYMENT_COMMANDS);
  if (options.admin) names.push(...ADMIN_COMMANDS);
  return names.map((command) => ({
    command,
    description: t.commands[command],
  }));
}

/**
 * Registers the commands in Russian (the default) and English (for
 * clients in English). A failure is logged, not fatal: an admin who has
 * never opened the bot has no chat yet, and the commands work regardless.
 * With `payments` (Stars packs on sale) everyone also sees /paysupport and
 * /terms, as Telegram asks of bots that take payments.
 */
export async function registerCommands(
  api: Api,
  adminUserIds: readonly number[],
  log: Logger,
  options: { readonly payments?: boolean } = {},
): Promise<void> {
  const payments = options.payments ?? false;
  const scopes: [BotCommandScope, boolean][] = [
    [{ type: "default" }, false],
    ...adminUserIds.map((id): [BotCommandScope, boolean] => [
      { type: "chat", "chat_id": id },
      true,
    ]),
  ];
  for (const [scope, admin] of scopes) {
    for (const locale of ["ru", "en"] as const) {
      await api.setMyCommands(commands(LOCALES[locale], { admin, payments }), {
        scope,
        ...(locale === "en" ? { "language_code": "en" } : {}),
      }).catch((error) =>
        log.warn("cannot register commands", { scope: scope.type, error })
      );
    }
  }
}

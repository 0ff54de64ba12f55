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
] as const;

function commands(t: Messages, admin: boolean): BotCommand[] {
  const names: readonly (keyof Messages["commands"])[] = admin
    ? ["start", ...ADMIN_COMMANDS]
    : ["start"];
  return names.map((command) => ({
    command,
    description: t.commands[command],
  }));
}

/**
 * Registers the commands in Russian (the default) and English (for
 * clients in English). A failure is logged, not fatal: an admin who has
 * never opened the bot has no chat yet, and the commands work regardless.
 */
export async function registerCommands(
  api: Api,
  adminUserIds: readonly number[],
  log: Logger,
): Promise<void> {
  const scopes: [BotCommandScope, boolean][] = [
    [{ type: "default" }, false],
    ...adminUserIds.map((id): [BotCommandScope, boolean] => [
      { type: "chat", "chat_id": id },
      true,
    ]),
  ];
  for (const [scope, admin] of scopes) {
    for (const locale of ["ru", "en"] as const) {
      await api.setMyCommands(commands(LOCALES[locale], admin), {
        scope,
        ...(locale === "en" ? { "language_code": "en" } : {}),
      }).catch((error) =>
        log.warn("cannot register commands", { scope: scope.type, error })
      );
    }
  }
}

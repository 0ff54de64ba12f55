/**
 * `parse_mode` handling of the fake Telegram Bot API: turns HTML, MarkdownV2
 * and legacy Markdown into plain text plus entities, failing with Telegram's
 * `Bad Request: can't parse entities: ...` errors (modelled on tdlib's
 * parsers) so that e2e tests catch unescaped user text.
 *
 * @module
 */

import type { MessageEntity } from "grammy/types";
import type { FormattedText } from "./entities.ts";
import { parseHtml } from "./html.ts";
import { parseMarkdown, parseMarkdownV2 } from "./markdown.ts";
import { badRequest } from "./wire.ts";

export type { FormattedText } from "./entities.ts";
export { normaliseUrl } from "./entities.ts";
export { parseHtml } from "./html.ts";
export { parseMarkdown, parseMarkdownV2 } from "./markdown.ts";

/**
 * Applies `parse_mode` (or explicit `entities`) to `text` exactly where
 * Telegram does; explicit entities win over `parse_mode`.
 */
export function formatText(
  text: string,
  parseMode: string | undefined,
  explicitEntities: unknown[] | undefined,
): FormattedText {
  if (explicitEntities !== undefined && explicitEntities.length > 0) {
    return { text, entities: explicitEntities as MessageEntity[] };
  }
  switch ((parseMode ?? "").toLowerCase()) {
    case "":
      return { text, entities: [] };
    case "html":
      return parseHtml(text);
    case "markdownv2":
      return parseMarkdownV2(text);
    case "markdown":
      return parseMarkdown(text);
    default:
      throw badRequest("unsupported parse_mode");
  }
}

/** `bot_command` entities for every `/command` in a user's text, as Telegram detects them. */
export function commandEntities(text: string): MessageEntity[] {
  const entities: MessageEntity[] = [];
  for (const match of text.matchAll(/(^|\s)(\/[a-z0-9_]{1,64}(@\w+)?)/gi)) {
    const command = match[2] ?? "";
    entities.push({
      type: "bot_command",
      offset: (match.index ?? 0) + (match[1] ?? "").length,
      length: command.length,
    });
  }
  return entities;
}

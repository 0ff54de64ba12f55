/**
 * Shared helpers of the fake Telegram's `parse_mode` parsers: entities under
 * construction, byte offsets for error messages and URL normalisation.
 *
 * @module
 */

import type { MessageEntity } from "grammy/types";
import { badRequest, type TelegramApiError } from "./wire.ts";

/** Text as Telegram stores it: markup stripped, formatting as entities. */
export interface FormattedText {
  /** The visible text. */
  text: string;
  /** Formatting entities (UTF-16 offsets), sorted like Telegram sorts them. */
  entities: MessageEntity[];
}

/** An entity whose end has not been seen yet. */
export interface OpenEntity {
  type: string;
  /** Offset in the output text (UTF-16 code units). */
  offset: number;
  /** Index of the opening markup in the source (for error messages). */
  source: number;
  /** Tag name (HTML) or marker (Markdown). */
  tag: string;
  extra: Record<string, string>;
}

const encoder = new TextEncoder();

/** UTF-8 byte offset of `index` in `source` (Telegram reports byte offsets). */
export function byteOffset(source: string, index: number): number {
  return encoder.encode(source.slice(0, index)).length;
}

/** A 400 `can't parse entities: <detail>` error. */
export function parseError(detail: string): TelegramApiError {
  return badRequest(`can't parse entities: ${detail}`);
}

const TYPE_ORDER = [
  "blockquote",
  "expandable_blockquote",
  "pre",
  "code",
  "bold",
  "italic",
  "underline",
  "strikethrough",
  "spoiler",
  "text_link",
  "custom_emoji",
];

/** Sorts entities by offset, longer first, then by Telegram's type priority. */
export function sortEntities(entities: MessageEntity[]): MessageEntity[] {
  return entities.sort((a, b) =>
    a.offset - b.offset || b.length - a.length ||
    TYPE_ORDER.indexOf(a.type) - TYPE_ORDER.indexOf(b.type)
  );
}

/** Normalises a link target like Telegram (`telegram.org` -> `http://telegram.org/`); undefined when invalid. */
export function normaliseUrl(raw: string): string | undefined {
  const url = raw.trim();
  if (/^tg:/i.test(url)) return url;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(url)
    ? url
    : `http://${url}`;
  try {
    const parsed = new URL(withScheme);
    if (!["http:", "https:", "ftp:", "tonsite:"].includes(parsed.protocol)) {
      return undefined;
    }
    if (!parsed.hostname.includes(".")) return undefined;
    return parsed.href;
  } catch {
    return undefined;
  }
}

/** Ends `open` at the end of `text`, adding the entity unless it is empty or an invalid link. */
export function closeEntity(
  open: OpenEntity,
  text: string,
  entities: MessageEntity[],
): void {
  const length = text.length - open.offset;
  if (length <= 0) return;
  const entity: Record<string, unknown> = {
    type: open.type,
    offset: open.offset,
    length,
  };
  if (open.type === "text_link") {
    // A link without a target points at its own text when that is a URL.
    const target = open.extra.url || text.slice(open.offset);
    const url = normaliseUrl(target);
    if (url === undefined) return;
    entity.url = url;
  }
  if (open.type === "pre" && open.extra.language) {
    entity.language = open.extra.language;
  }
  if (open.type === "custom_emoji") {
    entity["custom_emoji_id"] = open.extra.id ?? "";
  }
  entities.push(entity as unknown as MessageEntity);
}

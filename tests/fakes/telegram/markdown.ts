/**
 * `parse_mode: "MarkdownV2"` and legacy `"Markdown"` of the fake Telegram,
 * modelled on tdlib's parse_markdown_v2 (reserved characters, nesting,
 * blockquotes, links) with the same error messages.
 *
 * @module
 */

import type { MessageEntity } from "grammy/types";
import {
  byteOffset,
  closeEntity,
  type FormattedText,
  type OpenEntity,
  parseError,
  sortEntities,
} from "./entities.ts";
import type { TelegramApiError } from "./wire.ts";

const MD2_NAMES: Record<string, string> = {
  bold: "Bold",
  italic: "Italic",
  underline: "Underline",
  strikethrough: "Strikethrough",
  spoiler: "Spoiler",
  code: "Code",
  pre: "Pre",
  "text_link": "TextUrl",
  "custom_emoji": "CustomEmoji",
  blockquote: "BlockQuote",
};

function unclosedError(source: string, open: OpenEntity): TelegramApiError {
  const name = open.type === "pre" && open.extra.language !== undefined
    ? "PreCode"
    : MD2_NAMES[open.type] ?? open.type;
  return parseError(
    `Can't find end of ${name} entity at byte offset ${
      byteOffset(source, open.source)
    }`,
  );
}

/** Reads `(url)` after `]`; returns the url and the index after `)`. */
function readLinkTarget(
  source: string,
  index: number,
  what: string,
): [string, number] {
  let url = "";
  let i = index + 1;
  for (; i < source.length && source[i] !== ")"; i++) {
    if (source[i] === "\\" && i + 1 < source.length) i++;
    url += source[i];
  }
  if (i >= source.length) {
    throw parseError(
      `Can't find end of ${what} at byte offset ${
        byteOffset(source, index + 1)
      }`,
    );
  }
  return [url, i + 1];
}

/** Parses `parse_mode: "MarkdownV2"`. */
export function parseMarkdownV2(source: string): FormattedText {
  let text = "";
  const entities: MessageEntity[] = [];
  const stack: OpenEntity[] = [];
  let quote: OpenEntity | undefined;
  let i = 0;
  const open = (type: string, tag: string, at: number) =>
    stack.push({ type, offset: text.length, source: at, tag, extra: {} });
  while (i < source.length) {
    const ch = source[i] ?? "";
    const lineStart = i === 0 || source[i - 1] === "\n" ||
      source[i - 1] === "\r";
    const top = stack.at(-1);
    if (lineStart && top?.type !== "code" && top?.type !== "pre") {
      if (ch === ">") {
        quote ??= {
          type: "blockquote",
          offset: text.length,
          source: i,
          tag: ">",
          extra: {},
        };
        i++;
        continue;
      }
      if (quote !== undefined) {
        const quoteStart = quote.offset;
        const inner = stack.find((e) => e.offset >= quoteStart);
        if (inner !== undefined) throw unclosedError(source, inner);
        closeEntity(quote, text, entities);
        quote = undefined;
      }
    }
    if (ch === "\\" && i + 1 < source.length) {
      const next = source.charCodeAt(i + 1);
      if (next > 0 && next < 127) {
        text += source[i + 1];
        i += 2;
        continue;
      }
    }
    if (top?.type === "code" || top?.type === "pre") {
      const marker = top.type === "pre" ? "```" : "`";
      if (source.startsWith(marker, i)) {
        stack.pop();
        closeEntity(top, text, entities);
        i += marker.length;
      } else {
        text += ch;
        i++;
      }
      continue;
    }
    if (ch === "`") {
      if (source.startsWith("```", i)) {
        open("pre", "```", i);
        i += 3;
        const language = /^[^\s`]+(?=[\s])/.exec(source.slice(i))?.[0];
        if (language !== undefined) {
          const pre = stack.at(-1);
          if (pre !== undefined) pre.extra.language = language;
          i += language.length;
          const newline = /^(\r\n|\n\r|\n|\r)/.exec(source.slice(i))?.[0];
          i += newline?.length ?? 0;
        }
      } else {
        open("code", "`", i);
        i++;
      }
      continue;
    }
    const markers: [string, string][] = [
      ["__", "underline"],
      ["_", "italic"],
      ["*", "bold"],
      ["~", "strikethrough"],
      ["||", "spoiler"],
    ];
    const marker = markers.find(([m]) => source.startsWith(m, i));
    if (marker !== undefined) {
      if (top?.tag === marker[0]) {
        stack.pop();
        closeEntity(top, text, entities);
      } else {
        open(marker[1], marker[0], i);
      }
      i += marker[0].length;
      continue;
    }
    if (ch === "[" || (ch === "!" && source[i + 1] === "[")) {
      open(ch === "[" ? "text_link" : "custom_emoji", "[", i);
      i += ch === "[" ? 1 : 2;
      continue;
    }
    if (ch === "]" && top?.tag === "[") {
      stack.pop();
      i++;
      if (source[i] === "(") {
        const what = top.type === "custom_emoji"
          ? "a custom emoji URL"
          : "a URL";
        const [url, next] = readLinkTarget(source, i, what);
        i = next;
        if (top.type === "custom_emoji") {
          top.extra.id = new URLSearchParams(url.split("?")[1] ?? "").get(
            "id",
          ) ?? "";
        } else {
          top.extra.url = url;
        }
      } else if (top.type === "custom_emoji") {
        throw parseError("Custom emoji entity must contain a tg://emoji URL");
      }
      closeEntity(top, text, entities);
      continue;
    }
    if ("_*[]()~`>#+-=|{}.!".includes(ch)) {
      throw parseError(
        `Character '${ch}' is reserved and must be escaped with the preceding '\\'`,
      );
    }
    text += ch;
    i++;
  }
  const unclosed = stack.at(-1);
  if (unclosed !== undefined) throw unclosedError(source, unclosed);
  if (quote !== undefined) closeEntity(quote, text, entities);
  return { text, entities: sortEntities(entities) };
}

// ---------------------------------------------------------------- Markdown

/** Parses legacy `parse_mode: "Markdown"` (no nesting, `*`, `_`, `` ` ``, ```` ``` ````, links). */
export function parseMarkdown(source: string): FormattedText {
  let text = "";
  const entities: MessageEntity[] = [];
  let i = 0;
  const types: Record<string, string> = {
    "*": "bold",
    "_": "italic",
    "`": "code",
    "```": "pre",
  };
  while (i < source.length) {
    const ch = source[i] ?? "";
    if (ch === "\\" && "_*`[".includes(source[i + 1] ?? " ")) {
      text += source[i + 1];
      i += 2;
      continue;
    }
    const marker = source.startsWith("```", i) ? "```" : ch;
    const type = types[marker];
    if (type === undefined && ch !== "[") {
      text += ch;
      i++;
      continue;
    }
    const begin = i;
    const closing = ch === "[" ? "]" : marker;
    const end = source.indexOf(closing, i + marker.length);
    if (end < 0) {
      throw parseError(
        `Can't find end of the entity starting at byte offset ${
          byteOffset(source, begin)
        }`,
      );
    }
    let content = source.slice(i + marker.length, end);
    i = end + closing.length;
    const entity: OpenEntity = {
      type: type ?? "text_link",
      offset: text.length,
      source: begin,
      tag: marker,
      extra: {},
    };
    if (type === "pre") {
      const language = /^([^\s`]+)\n/.exec(content);
      if (language?.[1] !== undefined) {
        entity.extra.language = language[1];
        content = content.slice(language[0].length);
      }
    }
    if (ch === "[") {
      if (source[i] === "(") {
        const close = source.indexOf(")", i);
        if (close < 0) {
          throw parseError(
            `Can't find end of a URL at byte offset ${byteOffset(source, i)}`,
          );
        }
        entity.extra.url = source.slice(i + 1, close);
        i = close + 1;
      } else {
        entity.extra.url = content;
      }
    }
    text += content;
    closeEntity(entity, text, entities);
  }
  return { text, entities: sortEntities(entities) };
}

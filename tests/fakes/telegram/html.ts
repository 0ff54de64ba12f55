/**
 * `parse_mode: "HTML"` of the fake Telegram, modelled on tdlib's parse_html:
 * same supported tags, entity decoding and error messages.
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

const HTML_TAGS: Record<string, string> = {
  b: "bold",
  strong: "bold",
  i: "italic",
  em: "italic",
  u: "underline",
  ins: "underline",
  s: "strikethrough",
  strike: "strikethrough",
  del: "strikethrough",
  "tg-spoiler": "spoiler",
  span: "spoiler",
  a: "text_link",
  code: "code",
  pre: "pre",
  blockquote: "blockquote",
  "tg-emoji": "custom_emoji",
};

function decodeHtmlEntity(
  source: string,
  index: number,
): [string, number] | undefined {
  const match = /^&(#x[0-9a-f]+|#[0-9]+|lt|gt|amp|quot);?/i.exec(
    source.slice(index, index + 12),
  );
  if (match === null || match[1] === undefined) return undefined;
  const name = match[1].toLowerCase();
  const named: Record<string, string> = {
    lt: "<",
    gt: ">",
    amp: "&",
    quot: '"',
  };
  const text = named[name];
  if (text !== undefined) return [text, match[0].length];
  if (!match[0].endsWith(";")) return undefined;
  const code = name.startsWith("#x")
    ? parseInt(name.slice(2), 16)
    : parseInt(name.slice(1), 10);
  if (code > 0x10ffff || code === 0) return undefined;
  if (code >= 0xd800 && code <= 0xdfff) {
    throw parseError(
      "Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units",
    );
  }
  return [String.fromCodePoint(code), match[0].length];
}

function decodeHtmlText(value: string): string {
  let out = "";
  for (let i = 0; i < value.length;) {
    const decoded = value[i] === "&" ? decodeHtmlEntity(value, i) : undefined;
    if (decoded !== undefined) {
      out += decoded[0];
      i += decoded[1];
    } else {
      out += value[i];
      i++;
    }
  }
  return out;
}

/** Parses Telegram-flavoured HTML (`parse_mode: "HTML"`). */
export function parseHtml(source: string): FormattedText {
  let text = "";
  const entities: MessageEntity[] = [];
  const stack: OpenEntity[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i];
    if (ch === "&") {
      const decoded = decodeHtmlEntity(source, i);
      if (decoded !== undefined) {
        text += decoded[0];
        i += decoded[1];
        continue;
      }
    }
    if (ch !== "<") {
      text += ch;
      i++;
      continue;
    }
    const begin = i;
    if (source[i + 1] === "/") {
      const close = source.indexOf(">", i);
      const open = stack.pop();
      if (open === undefined) {
        throw parseError(
          `Unexpected end tag at byte offset ${byteOffset(source, begin)}`,
        );
      }
      if (close < 0) {
        throw parseError(
          `Unclosed end tag at byte offset ${byteOffset(source, begin)}`,
        );
      }
      const name = source.slice(i + 2, close).trim().toLowerCase();
      if (name !== "" && name !== open.tag) {
        throw parseError(
          `Unmatched end tag at byte offset ${
            byteOffset(source, begin)
          }, expected "</${open.tag}>", found "</${name}>"`,
        );
      }
      // <pre><code class="language-x">: the language moves to the pre entity.
      const parent = stack.at(-1);
      if (
        open.tag === "code" && open.extra.language && parent?.tag === "pre" &&
        parent.offset === open.offset
      ) {
        parent.extra.language = open.extra.language;
      } else {
        closeEntity(open, text, entities);
      }
      i = close + 1;
      continue;
    }
    const nameMatch = /^[^\s>]*/.exec(source.slice(i + 1));
    const name = (nameMatch?.[0] ?? "").toLowerCase();
    i += 1 + name.length;
    if (i >= source.length) {
      throw parseError(
        `Unclosed start tag at byte offset ${byteOffset(source, begin)}`,
      );
    }
    const type = HTML_TAGS[name];
    if (type === undefined) {
      throw parseError(
        `Unsupported start tag "${name}" at byte offset ${
          byteOffset(source, begin)
        }`,
      );
    }
    const attributes: Record<string, string> = {};
    for (;;) {
      while (i < source.length && /\s/.test(source[i] ?? "")) i++;
      if (i >= source.length) {
        throw parseError(
          `Unclosed start tag at byte offset ${byteOffset(source, begin)}`,
        );
      }
      if (source[i] === ">") {
        i++;
        break;
      }
      const attr = /^[a-z0-9_-]*/i.exec(source.slice(i))?.[0] ?? "";
      if (attr === "") {
        throw parseError(
          `Empty attribute name in the tag "${name}" at byte offset ${
            byteOffset(source, begin)
          }`,
        );
      }
      i += attr.length;
      while (/\s/.test(source[i] ?? "")) i++;
      let value = "";
      if (source[i] === "=") {
        i++;
        while (/\s/.test(source[i] ?? "")) i++;
        const quote = source[i];
        if (quote === '"' || quote === "'") {
          const end = source.indexOf(quote, i + 1);
          if (end < 0) {
            throw parseError(
              `Unclosed start tag at byte offset ${byteOffset(source, begin)}`,
            );
          }
          value = decodeHtmlText(source.slice(i + 1, end));
          i = end + 1;
        } else {
          const tokenStart = i;
          const token = /^[a-z0-9.-]*/i.exec(source.slice(i))?.[0] ?? "";
          i += token.length;
          if (i >= source.length) {
            throw parseError(
              `Unclosed start tag "${name}" at byte offset ${
                byteOffset(source, begin)
              }`,
            );
          }
          if (!/[\s>]/.test(source[i] ?? "")) {
            throw parseError(
              `Unexpected end of name token at byte offset ${
                byteOffset(source, tokenStart)
              }`,
            );
          }
          value = token;
        }
      }
      attributes[attr.toLowerCase()] = value;
    }
    const open: OpenEntity = {
      type,
      offset: text.length,
      source: begin,
      tag: name,
      extra: {},
    };
    if (name === "span" && attributes.class !== "tg-spoiler") {
      throw parseError(
        `Tag "span" must have class "tg-spoiler" at byte offset ${
          byteOffset(source, begin)
        }`,
      );
    }
    if (name === "a") open.extra.url = attributes.href ?? "";
    if (name === "tg-emoji") open.extra.id = attributes["emoji-id"] ?? "";
    if (name === "blockquote" && "expandable" in attributes) {
      open.type = "expandable_blockquote";
    }
    if (name === "code" && attributes.class?.startsWith("language-")) {
      open.extra.language = attributes.class.slice(9);
    }
    stack.push(open);
  }
  const unclosed = stack.at(-1);
  if (unclosed !== undefined) {
    throw parseError(
      `Can't find end tag corresponding to start tag "${unclosed.tag}"`,
    );
  }
  return { text, entities: sortEntities(entities) };
}

/**
 * Inline mode in the fake Bot API: {@link inlineQuery} plays a user typing
 * `@<bot> query` in some chat (an `inline_query` update), and
 * `answerInlineQuery` checks the answer as telegram-bot-api does
 * (Client::process_answer_inline_query_query and get_inline_query_result,
 * tdlib/telegram-bot-api commit 01a3679c0bbf9bbba03d1d3e20f621fa4becddcc):
 * at most 50 results, each an object with `type` and `id`; a `video`
 * result needs `title` and either `video_url` (with `mime_type`) or
 * `video_file_id`; a `button` needs `text`; cache_time is clamped to
 * 0..86400 (default 300). A query id the fake never issued (or answered
 * already) fails like an expired one.
 *
 * @module
 */

import type { InlineQuery, Update } from "grammy/types";
import type { FakeTelegram, FakeUser } from "./mod.ts";
import type { MethodHandler } from "./methods.ts";
import type { FakeStore } from "./state.ts";
import {
  arrayParam,
  badRequest,
  boolParam,
  intParam,
  objectParam,
  strParam,
} from "./wire.ts";

const MAX_RESULTS = 50;
const EXPIRED =
  "query is too old and response timeout expired or query ID is invalid";

// Inline queries issued and not yet answered, by id (all fakes share it:
// ids are unique across them).
const OPEN = new Set<string>();
let nextId = 1_000_000;

/** The user types `@<bot> <query>` in a chat of type `chatType`. */
export function inlineQuery(
  telegram: FakeTelegram,
  from: FakeUser,
  query = "",
  chatType: InlineQuery["chat_type"] = "sender",
): Update {
  const id = String(++nextId * 1000 + from.id % 1000);
  OPEN.add(id);
  const user = {
    id: from.id,
    "is_bot": false,
    "first_name": from.first_name,
    ...(from.language_code ? { "language_code": from.language_code } : {}),
  };
  return telegram.injectUpdate({
    "inline_query": {
      id,
      from: user,
      query,
      offset: "",
      ...(chatType ? { "chat_type": chatType } : {}),
    },
  });
}

function field(object: Record<string, unknown>, name: string): string {
  const value = object[name];
  if (typeof value !== "string") {
    throw badRequest(
      `Can't parse inline query result: Can't find field "${name}"`,
    );
  }
  return value;
}

function checkResult(store: FakeStore, value: unknown): void {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw badRequest(
      "Can't parse inline query result: Inline query result must be an object",
    );
  }
  const result = value as Record<string, unknown>;
  const type = field(result, "type").toLowerCase();
  field(result, "id");
  if (type !== "video") return;
  field(result, "title");
  if (typeof result.video_url === "string" && result.video_url !== "") {
    field(result, "mime_type");
    return;
  }
  const fileId = field(result, "video_file_id");
  const file = store.files.get(fileId);
  if (file === undefined) {
    throw badRequest("wrong file identifier/HTTP URL specified");
  }
}

/** answerInlineQuery. */
export const INLINE_METHODS: Record<string, MethodHandler> = {
  answerinlinequery: ({ store, params }) => {
    const id = strParam(params, "inline_query_id") ?? "";
    if (!OPEN.has(id)) throw badRequest(EXPIRED);
    const results = params.results === undefined
      ? []
      : arrayParam(params, "results");
    if (results === undefined) {
      throw badRequest("Expected an Array of inline query results");
    }
    if (results.length > MAX_RESULTS) {
      throw badRequest("Too many inline query results specified");
    }
    for (const result of results) checkResult(store, result);
    const button = objectParam(params, "button");
    if (button !== undefined && typeof button.text !== "string") {
      throw badRequest(
        `Can't parse JSON object: Can't find field "text"`,
      );
    }
    boolParam(params, "is_personal");
    intParam(params, "cache_time");
    OPEN.delete(id);
    return true;
  },
};

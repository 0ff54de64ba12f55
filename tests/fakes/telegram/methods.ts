/**
 * Bot API methods of the fake Telegram server (everything except getUpdates,
 * which needs long polling and lives in `telegram.ts`). Each handler either
 * returns the `result` or throws a `TelegramApiError` (see wire.ts).
 *
 * @module
 */

import type { InlineKeyboardMarkup, Message } from "grammy/types";
import { type FormattedText, formatText } from "./format.ts";
import { hasMedia, MEDIA, MEDIA_FIELDS, mediaFields } from "./media.ts";
import { INLINE_METHODS } from "./inline.ts";
import { MEMBER_METHODS } from "./members.ts";
import { PAYMENT_METHODS } from "./payments.ts";
import type { ChatState, FakeStore, StoredMessage } from "./state.ts";
import {
  arrayParam,
  badRequest,
  boolParam,
  intParam,
  objectParam,
  strParam,
  type Upload,
} from "./wire.ts";

/** What a method handler gets to work with. */
export interface MethodContext {
  /** The fake's state. */
  store: FakeStore;
  /** Normalised request parameters. */
  params: Record<string, unknown>;
  /** Files uploaded with the request. */
  uploads: Upload[];
}

/** A Bot API method implementation. */
export type MethodHandler = (ctx: MethodContext) => unknown;

/** getFile refuses files above 20 MB with `file is too big`. */
export const MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;

const NOT_MODIFIED =
  "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";

const CHAT_ACTIONS = new Set([
  "typing",
  "upload_photo",
  "record_video",
  "upload_video",
  "record_voice",
  "upload_voice",
  "upload_document",
  "choose_sticker",
  "find_location",
  "record_video_note",
  "upload_video_note",
]);

const BUTTON_ACTIONS = [
  "callback_data",
  "url",
  "web_app",
  "login_url",
  "switch_inline_query",
  "switch_inline_query_current_chat",
  "switch_inline_query_chosen_chat",
  "copy_text",
  "callback_game",
  "pay",
];

/** JSON with sorted keys, to compare markup/entities like Telegram does. */
function canonical(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, v: unknown) =>
      typeof v === "object" && v !== null && !Array.isArray(v)
        ? Object.fromEntries(
          Object.entries(v).sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0),
        )
        : v,
  ) ?? "undefined";
}

function targetChat(ctx: MethodContext): ChatState {
  const raw = ctx.params["chat_id"];
  if (raw === undefined || raw === "") throw badRequest("chat_id is empty");
  return ctx.store.chat(intParam(ctx.params, "chat_id"));
}

function sendingChat(ctx: MethodContext): ChatState {
  const chat = targetChat(ctx);
  ctx.store.assertNotBlocked(chat.chat.id);
  return chat;
}

/** Validates `reply_markup`; returns the inline keyboard to store, if any. */
function inlineKeyboard(
  params: Record<string, unknown>,
): InlineKeyboardMarkup | undefined {
  const markup = objectParam(params, "reply_markup");
  if (markup === undefined || !("inline_keyboard" in markup)) return undefined;
  const rows = markup["inline_keyboard"];
  if (!Array.isArray(rows) || rows.some((row) => !Array.isArray(row))) {
    throw badRequest(
      'can\'t parse reply keyboard markup JSON object: Field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays',
    );
  }
  const encoder = new TextEncoder();
  for (const button of rows.flat() as Record<string, unknown>[]) {
    if (typeof button?.text !== "string") {
      throw badRequest(
        'can\'t parse inline keyboard button: Field "text" must be of type String',
      );
    }
    if (!BUTTON_ACTIONS.some((action) => action in button)) {
      throw badRequest(
        "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
      );
    }
    const data = button["callback_data"];
    if (data !== undefined) {
      const size = typeof data === "string" ? encoder.encode(data).length : 0;
      if (size < 1 || size > 64) throw badRequest("BUTTON_DATA_INVALID");
    }
  }
  const kept = (rows as unknown[][]).filter((row) => row.length > 0);
  if (kept.length === 0) return undefined;
  return { "inline_keyboard": kept } as InlineKeyboardMarkup;
}

function setMarkup(
  message: Message,
  markup: InlineKeyboardMarkup | undefined,
): void {
  if (markup === undefined) delete message.reply_markup;
  else message.reply_markup = markup;
}

/** reply_markup, reply_to_message and protect_content of a new message. */
function commonFields(ctx: MethodContext, chat: ChatState): Partial<Message> {
  const fields: Partial<Message> = {};
  const markup = inlineKeyboard(ctx.params);
  if (markup !== undefined) fields.reply_markup = markup;
  const reply = objectParam(ctx.params, "reply_parameters");
  const replyId = intParam(reply ?? {}, "message_id") ??
    intParam(ctx.params, "reply_to_message_id");
  if (replyId !== undefined) {
    const target = ctx.store.findMessage(chat.chat.id, replyId);
    if (target !== undefined) {
      const copy = structuredClone(target.message);
      delete copy.reply_to_message;
      fields.reply_to_message = copy as Message & {
        reply_to_message: undefined;
      };
    } else if (
      !boolParam(reply ?? {}, "allow_sending_without_reply") &&
      !boolParam(ctx.params, "allow_sending_without_reply")
    ) {
      throw badRequest("message to be replied not found");
    }
  }
  if (boolParam(ctx.params, "protect_content")) {
    fields.has_protected_content = true;
  }
  return fields;
}

function messageText(params: Record<string, unknown>): FormattedText {
  const raw = strParam(params, "text");
  if (raw === undefined || raw === "") {
    throw badRequest("message text is empty");
  }
  const formatted = formatText(
    raw,
    strParam(params, "parse_mode"),
    arrayParam(params, "entities"),
  );
  if (formatted.text.trim() === "") throw badRequest("message text is empty");
  if ([...formatted.text].length > 4096) {
    throw badRequest("message is too long");
  }
  return formatted;
}

function captionFields(source: Record<string, unknown>): Partial<Message> {
  const raw = strParam(source, "caption");
  if (raw === undefined || raw === "") return {};
  const formatted = formatText(
    raw,
    strParam(source, "parse_mode"),
    arrayParam(source, "caption_entities"),
  );
  if ([...formatted.text].length > 1024) {
    throw badRequest("message caption is too long");
  }
  const fields: Partial<Message> = { caption: formatted.text };
  if (formatted.entities.length > 0) {
    fields.caption_entities = formatted.entities;
  }
  return fields;
}

function sendMedia(type: string): MethodHandler {
  return (ctx) => {
    const chat = sendingChat(ctx);
    const caption = captionFields(ctx.params);
    const common = commonFields(ctx, chat);
    const media = mediaFields(ctx.store, ctx.uploads, type, ctx.params, type);
    if (boolParam(ctx.params, "has_spoiler")) media.has_media_spoiler = true;
    const message = ctx.store.addMessage(chat.chat.id, "bot", {
      ...media,
      ...caption,
      ...common,
    });
    return structuredClone(message);
  };
}

/** The bot message addressed by chat_id + message_id, for editing. */
function editable(ctx: MethodContext): StoredMessage {
  if (ctx.params["inline_message_id"] !== undefined) {
    throw badRequest("MESSAGE_ID_INVALID");
  }
  const chat = targetChat(ctx);
  const id = intParam(ctx.params, "message_id");
  if (id === undefined) throw badRequest("message identifier is not specified");
  const stored = ctx.store.findMessage(chat.chat.id, id);
  if (stored === undefined) throw badRequest("message to edit not found");
  if (stored.from !== "bot") throw badRequest("message can't be edited");
  return stored;
}

function finishEdit(stored: StoredMessage): Message {
  stored.message.edit_date = Math.floor(Date.now() / 1000);
  stored.edits++;
  return structuredClone(stored.message);
}

function commandsKey(params: Record<string, unknown>): string {
  const scope = objectParam(params, "scope") ?? { type: "default" };
  return `${canonical(scope)}|${strParam(params, "language_code") ?? ""}`;
}

/** The implemented Bot API methods, by lower-case name. */
export const METHODS: Record<string, MethodHandler> = {
  ...PAYMENT_METHODS,
  ...INLINE_METHODS,
  ...MEMBER_METHODS,
  getme: ({ store }) => structuredClone(store.bot),
  logout: () => true,
  close: () => true,
  deletewebhook: ({ store, params }) => {
    store.webhookUrl = "";
    if (boolParam(params, "drop_pending_updates")) store.updates = [];
    return true;
  },
  setwebhook: ({ store, params }) => {
    store.webhookUrl = strParam(params, "url") ?? "";
    store.webhookSecret = strParam(params, "secret_token") ?? "";
    return true;
  },
  getwebhookinfo: ({ store }) => ({
    url: store.webhookUrl,
    "has_custom_certificate": false,
    "pending_update_count": store.updates.length,
  }),
  setmycommands: ({ store, params }) => {
    const commands = arrayParam(params, "commands") ?? [];
    for (const entry of commands as Record<string, unknown>[]) {
      const command = entry?.command;
      if (typeof command !== "string" || !/^[a-z0-9_]{1,32}$/.test(command)) {
        throw badRequest("BOT_COMMAND_INVALID");
      }
    }
    store.commands.set(commandsKey(params), structuredClone(commands));
    return true;
  },
  getmycommands: ({ store, params }) =>
    structuredClone(store.commands.get(commandsKey(params)) ?? []),
  deletemycommands: ({ store, params }) => {
    store.commands.delete(commandsKey(params));
    return true;
  },
  sendmessage: (ctx) => {
    const chat = sendingChat(ctx);
    const formatted = messageText(ctx.params);
    const fields: Partial<Message> = { text: formatted.text };
    if (formatted.entities.length > 0) fields.entities = formatted.entities;
    Object.assign(fields, commonFields(ctx, chat));
    const message = ctx.store.addMessage(chat.chat.id, "bot", fields);
    return structuredClone(message);
  },
  sendphoto: sendMedia("photo"),
  sendvideo: sendMedia("video"),
  senddocument: sendMedia("document"),
  sendanimation: sendMedia("animation"),
  sendaudio: sendMedia("audio"),
  sendvoice: sendMedia("voice"),
  editmessagetext: (ctx) => {
    const stored = editable(ctx);
    const message = stored.message;
    if (message.text === undefined) {
      throw badRequest("there is no text in the message to edit");
    }
    const formatted = messageText(ctx.params);
    const markup = inlineKeyboard(ctx.params);
    if (
      message.text === formatted.text &&
      canonical(message.entities ?? []) === canonical(formatted.entities) &&
      canonical(message.reply_markup) === canonical(markup)
    ) {
      throw badRequest(NOT_MODIFIED);
    }
    message.text = formatted.text;
    if (formatted.entities.length > 0) message.entities = formatted.entities;
    else delete message.entities;
    setMarkup(message, markup);
    return finishEdit(stored);
  },
  editmessagecaption: (ctx) => {
    const stored = editable(ctx);
    const message = stored.message;
    if (!hasMedia(message)) {
      throw badRequest("there is no caption in the message to edit");
    }
    const caption = captionFields(ctx.params);
    const markup = inlineKeyboard(ctx.params);
    if (
      message.caption === caption.caption &&
      canonical(message.caption_entities ?? []) ===
        canonical(caption.caption_entities ?? []) &&
      canonical(message.reply_markup) === canonical(markup)
    ) {
      throw badRequest(NOT_MODIFIED);
    }
    delete message.caption;
    delete message.caption_entities;
    Object.assign(message, caption);
    setMarkup(message, markup);
    return finishEdit(stored);
  },
  editmessagereplymarkup: (ctx) => {
    const stored = editable(ctx);
    const markup = inlineKeyboard(ctx.params);
    if (canonical(stored.message.reply_markup) === canonical(markup)) {
      throw badRequest(NOT_MODIFIED);
    }
    setMarkup(stored.message, markup);
    return finishEdit(stored);
  },
  editmessagemedia: (ctx) => {
    const stored = editable(ctx);
    const message = stored.message;
    if (!hasMedia(message)) {
      throw badRequest("there is no media in the message to edit");
    }
    const media = objectParam(ctx.params, "media");
    const type = typeof media?.type === "string" ? media.type : "";
    if (media === undefined || MEDIA[type] === undefined) {
      throw badRequest("can't parse InputMedia: media type is not specified");
    }
    const fields = mediaFields(ctx.store, ctx.uploads, type, media, "media");
    const caption = captionFields(media);
    for (const field of [...MEDIA_FIELDS, "caption", "caption_entities"]) {
      delete (message as unknown as Record<string, unknown>)[field];
    }
    Object.assign(message, fields, caption);
    setMarkup(message, inlineKeyboard(ctx.params));
    return finishEdit(stored);
  },
  deletemessage: (ctx) => {
    const chat = targetChat(ctx);
    const id = intParam(ctx.params, "message_id");
    const stored = id === undefined
      ? undefined
      : ctx.store.findMessage(chat.chat.id, id);
    if (stored === undefined) throw badRequest("message to delete not found");
    stored.deleted = true;
    return true;
  },
  deletemessages: (ctx) => {
    const chat = targetChat(ctx);
    for (const id of arrayParam(ctx.params, "message_ids") ?? []) {
      const stored = typeof id === "number"
        ? ctx.store.findMessage(chat.chat.id, id)
        : undefined;
      if (stored !== undefined) stored.deleted = true;
    }
    return true;
  },
  answercallbackquery: ({ store, params }) => {
    const query = store.callbackQueries.get(
      strParam(params, "callback_query_id") ?? "",
    );
    if (query === undefined) {
      throw badRequest(
        "query is too old and response timeout expired or query ID is invalid",
      );
    }
    query.answer = { ...params };
    return true;
  },
  sendchataction: (ctx) => {
    sendingChat(ctx);
    if (!CHAT_ACTIONS.has(strParam(ctx.params, "action") ?? "")) {
      throw badRequest("wrong parameter action in request");
    }
    return true;
  },
  getfile: ({ store, params }) => {
    const file = store.files.get(strParam(params, "file_id") ?? "");
    if (file === undefined) throw badRequest("invalid file_id");
    if (file.size > MAX_DOWNLOAD_BYTES) throw badRequest("file is too big");
    return {
      "file_id": file.fileId,
      "file_unique_id": file.uniqueId,
      "file_size": file.size,
      "file_path": file.path,
    };
  },
  copymessage: (ctx) => {
    const from = ctx.store.chat(intParam(ctx.params, "from_chat_id"));
    const id = intParam(ctx.params, "message_id") ?? -1;
    const source = ctx.store.findMessage(from.chat.id, id);
    if (source === undefined) throw badRequest("message to copy not found");
    const chat = sendingChat(ctx);
    const content: Record<string, unknown> = {};
    for (const field of [...MEDIA_FIELDS, "text", "entities"]) {
      const value =
        (source.message as unknown as Record<string, unknown>)[field];
      if (value !== undefined) content[field] = structuredClone(value);
    }
    const caption = ctx.params["caption"] !== undefined
      ? captionFields(ctx.params)
      : {
        caption: source.message.caption,
        "caption_entities": source.message.caption_entities,
      };
    for (const [key, value] of Object.entries(caption)) {
      if (value !== undefined) content[key] = value;
    }
    const message = ctx.store.addMessage(chat.chat.id, "bot", {
      ...content as Partial<Message>,
      ...commonFields(ctx, chat),
    });
    return { "message_id": message.message_id };
  },
};

/**
 * In-memory state of the fake Telegram Bot API: users and their private
 * chats, every message as it is now (after edits and deletions), stored
 * files, pending updates and callback queries.
 *
 * @module
 */

import type {
  Chat,
  InlineKeyboardMarkup,
  Message,
  PhotoSize,
  Update,
  User,
  UserFromGetMe,
} from "grammy/types";
import { badRequest, TelegramApiError } from "./wire.ts";

/** A Telegram user the tests act as; the private chat id equals the user id. */
export interface FakeUser {
  /** User id, also the id of the private chat with the bot. */
  id: number;
  /** First name (Telegram requires one). */
  "first_name": string;
  /** Optional last name. */
  "last_name"?: string;
  /** Optional @username without the @. */
  username?: string;
  /** IETF language tag of the user's client, e.g. "en". */
  "language_code"?: string;
}

/** One line of a chat transcript as the user would see it. */
export interface ChatEntry {
  /** Who sent the message. */
  from: "bot" | "user";
  /** Message id (per chat, shared by bot and user messages). */
  "message_id": number;
  /** Message text, if any (markup already rendered away). */
  text?: string;
  /** Media caption, if any. */
  caption?: string;
  /** What kind of message this is. */
  kind: MessageKind;
  /** Labels of the inline keyboard, row by row, if the message has one. */
  buttons?: string[][];
  /** How many times the bot edited the message. */
  edits: number;
  /** The full message as it is now. */
  message: Message;
}

/** Kinds of messages distinguished by `ChatEntry.kind`. */
export type MessageKind =
  | "text"
  | "photo"
  | "video"
  | "animation"
  | "document"
  | "audio"
  | "voice"
  | "video_note"
  | "sticker"
  | "location"
  | "contact"
  | "other";

/** A file the fake can describe via getFile and serve at `/file/bot<token>/<path>`. */
export interface StoredFile {
  /** `file_id` usable in getFile and send* methods. */
  fileId: string;
  /** `file_unique_id`. */
  uniqueId: string;
  /** Size in bytes. */
  size: number;
  /** `file_path` for downloads. */
  path: string;
  /** Content (absent when bytes are not recorded). */
  bytes?: Uint8Array;
  /** Media description returned when the file is sent again by file_id. */
  media?: Record<string, unknown>;
}

/** A message as the fake stores it. */
export interface StoredMessage {
  /** Author side. */
  from: "bot" | "user";
  /** Current content (mutated by edits). */
  message: Message;
  /** Number of successful edits. */
  edits: number;
  /** True once deleted. */
  deleted: boolean;
}

/** A chat of the bot: private with one user, or a group it is in. */
export interface ChatState {
  /** The chat object put into messages. */
  chat: Chat.PrivateChat | Chat.GroupChat | Chat.SupergroupChat;
  /** Last used message id. */
  lastMessageId: number;
  /** Messages by id. */
  messages: Map<number, StoredMessage>;
  /** Stable `chat_instance` for callback queries. */
  instance: string;
  /** A group's members by user id: their status (getChatMember). */
  members?: Map<number, string>;
}

const FILE_PREFIX: Record<string, string> = {
  photos: "AgACAgIAAxkBAAI",
  videos: "BAACAgIAAxkBAAI",
  documents: "BQACAgIAAxkBAAI",
  animations: "CgACAgIAAxkBAAI",
  voice: "AwACAgIAAxkBAAI",
  music: "CQACAgIAAxkBAAI",
  stickers: "CAACAgIAAxkBAAI",
};

/** Reads the pixel size of a PNG or JPEG image, if it is one. */
export function imageSize(
  bytes: Uint8Array,
): { width: number; height: number } | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length >= 24 && view.getUint32(0) === 0x89504e47) {
    return { width: view.getUint32(16), height: view.getUint32(20) };
  }
  if (bytes.length < 4 || view.getUint16(0) !== 0xffd8) return undefined;
  let i = 2;
  while (i + 9 < bytes.length && bytes[i] === 0xff) {
    const marker = bytes[i + 1] ?? 0;
    const length = view.getUint16(i + 2);
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 &&
      marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) {
      return { width: view.getUint16(i + 7), height: view.getUint16(i + 5) };
    }
    i += 2 + length;
  }
  return undefined;
}

/** Derives the message kind shown in transcripts. */
export function messageKind(message: Message): MessageKind {
  const kinds: MessageKind[] = [
    "animation",
    "photo",
    "video",
    "document",
    "audio",
    "voice",
    "video_note",
    "sticker",
    "location",
    "contact",
    "text",
  ];
  return kinds.find((kind) => kind in message) ?? "other";
}

/** All state of one fake Telegram instance. */
export class FakeStore {
  /** Users by id. */
  readonly users: Map<number, FakeUser> = new Map();
  /** Private chats by id. */
  readonly chats: Map<number, ChatState> = new Map();
  /** Files by file_id. */
  readonly files: Map<string, StoredFile> = new Map();
  /** Files by file_path. */
  readonly paths: Map<string, StoredFile> = new Map();
  /** Updates not yet confirmed by a getUpdates offset. */
  updates: Update[] = [];
  /** Callback queries by id, with the answer once given. */
  readonly callbackQueries: Map<string, { answer?: Record<string, unknown> }> =
    new Map();
  /** Users that blocked the bot. */
  readonly blocked: Set<number> = new Set();
  /** Commands set with setMyCommands, by scope/language key. */
  readonly commands: Map<string, unknown[]> = new Map();
  /** Current webhook URL ("" when polling). */
  webhookUrl = "";
  /** The webhook's `secret_token` ("" when none). */
  webhookSecret = "";
  #fileCounter = 0;
  #queryCounter = 0;

  /** Creates the state for the bot described by `bot`. */
  constructor(readonly bot: UserFromGetMe) {}

  /** The bot as the `from` of its messages. */
  botUser(): User {
    const user: User = {
      id: this.bot.id,
      "is_bot": true,
      "first_name": this.bot.first_name,
    };
    user.username = this.bot.username;
    return user;
  }

  /** Registers (or updates) a user and opens the private chat with them. */
  addUser(user: FakeUser): FakeUser {
    const merged = { ...this.users.get(user.id), ...user };
    this.users.set(user.id, merged);
    const chat: Chat.PrivateChat = {
      id: user.id,
      type: "private",
      "first_name": merged.first_name,
    };
    if (merged.last_name !== undefined) chat.last_name = merged.last_name;
    if (merged.username !== undefined) chat.username = merged.username;
    const existing = this.chats.get(user.id);
    if (existing !== undefined) {
      existing.chat = chat;
    } else {
      this.chats.set(user.id, {
        chat,
        lastMessageId: 0,
        messages: new Map(),
        instance: String(BigInt(user.id) * 7919n + 4242424242424242n),
      });
    }
    return merged;
  }

  /** Opens a group (negative id) or supergroup (-100…) the bot is in. */
  addGroup(id: number, title: string): void {
    const chat: Chat.GroupChat | Chat.SupergroupChat =
      String(id).startsWith("-100")
        ? { id, type: "supergroup", title }
        : { id, type: "group", title };
    this.chats.set(id, {
      chat,
      lastMessageId: 0,
      messages: new Map(),
      instance: String(BigInt(-id) * 7919n + 4343434343434343n),
    });
  }

  /** The user as the `from` of their messages. */
  telegramUser(user: FakeUser): User {
    const known = this.users.get(user.id) ?? this.addUser(user);
    const result: User = {
      id: known.id,
      "is_bot": false,
      "first_name": known.first_name,
    };
    if (known.last_name !== undefined) result.last_name = known.last_name;
    if (known.username !== undefined) result.username = known.username;
    if (known.language_code !== undefined) {
      result.language_code = known.language_code;
    }
    return result;
  }

  /** The chat with `chatId`, or Telegram's `chat not found` error. */
  chat(chatId: number | undefined): ChatState {
    const chat = chatId === undefined ? undefined : this.chats.get(chatId);
    if (chat === undefined) throw badRequest("chat not found");
    return chat;
  }

  /** Fails like Telegram when the user blocked the bot. */
  assertNotBlocked(chatId: number): void {
    if (this.blocked.has(chatId)) {
      throw new TelegramApiError(403, "Forbidden: bot was blocked by the user");
    }
  }

  /** Stores a file (bytes optional) and returns its record. */
  registerFile(
    folder: string,
    extension: string,
    size: number,
    bytes?: Uint8Array,
    path?: string,
  ): StoredFile {
    const n = ++this.#fileCounter;
    const serial = n.toString(36).padStart(6, "0");
    const file: StoredFile = {
      fileId: `${FILE_PREFIX[folder] ?? "BQACAgIAAxkBAAI"}${serial}_fake`,
      uniqueId: `AQAD${serial}`,
      size,
      path: path ?? `${folder}/file_${n}.${extension}`,
    };
    if (bytes !== undefined) file.bytes = bytes;
    this.files.set(file.fileId, file);
    this.paths.set(file.path, file);
    return file;
  }

  /**
   * Stores an image as Telegram would: three sizes (at most 90 px, at most
   * 320 px, full), only the largest serving `image` (or being `original`, an
   * already stored file); the others serve small marker bytes
   * (`fake-photo-size-WxH`).
   */
  photoSizes(
    image: Uint8Array | undefined,
    size: number,
    dims?: { width?: number | undefined; height?: number | undefined },
    original?: StoredFile,
  ): PhotoSize[] {
    const sniffed = image === undefined ? undefined : imageSize(image);
    const width = dims?.width ?? sniffed?.width ?? 1280;
    const height = dims?.height ?? sniffed?.height ?? 960;
    // Each smaller size is strictly smaller than the next one, even for tiny
    // images, so that "largest by area" always picks the last entry.
    const full = Math.max(width, height);
    const medium = Math.min(320, Math.ceil(full / 2));
    const small = Math.min(90, Math.ceil(medium / 2));
    const sizes: PhotoSize[] = [];
    for (const side of [small, medium]) {
      const scale = side / full;
      const w = Math.max(1, Math.round(width * scale));
      const h = Math.max(1, Math.round(height * scale));
      const marker = new TextEncoder().encode(`fake-photo-size-${w}x${h}`);
      const file = this.registerFile("photos", "jpg", marker.length, marker);
      sizes.push(this.photoSize(file, w, h));
    }
    const largest = original ??
      this.registerFile("photos", "jpg", size, image);
    sizes.push(this.photoSize(largest, width, height));
    // Sending the largest file_id again yields the same photo.
    largest.media = { photo: sizes };
    return structuredClone(sizes);
  }

  /** A PhotoSize describing `file`. */
  photoSize(file: StoredFile, width: number, height: number): PhotoSize {
    return {
      "file_id": file.fileId,
      "file_unique_id": file.uniqueId,
      width,
      height,
      "file_size": file.size,
    };
  }

  /** Appends a message to a chat, assigning message_id, date, chat and from. */
  addMessage(
    chatId: number,
    from: "bot" | "user",
    fields: Partial<Message>,
    sender?: User,
  ): Message {
    const chat = this.chat(chatId);
    const { from: _ignored, ...content } = fields;
    const message: Message = {
      "message_id": ++chat.lastMessageId,
      from: sender ?? this.botUser(),
      date: Math.floor(Date.now() / 1000),
      chat: chat.chat,
      ...content,
    };
    chat.messages.set(message.message_id, {
      from,
      message,
      edits: 0,
      deleted: false,
    });
    return message;
  }

  /** A message that exists and was not deleted, if any. */
  findMessage(chatId: number, messageId: number): StoredMessage | undefined {
    const stored = this.chats.get(chatId)?.messages.get(messageId);
    return stored === undefined || stored.deleted ? undefined : stored;
  }

  /** Creates a new callback query id. */
  newCallbackQueryId(): string {
    const id = String(4_000_000_000_000_000n + BigInt(++this.#queryCounter));
    this.callbackQueries.set(id, {});
    return id;
  }

  /** The transcript of a chat: live messages in order, as the user sees them. */
  transcript(chatId: number): ChatEntry[] {
    const chat = this.chats.get(chatId);
    if (chat === undefined) return [];
    const entries: ChatEntry[] = [];
    for (const stored of chat.messages.values()) {
      if (stored.deleted) continue;
      const message = structuredClone(stored.message);
      const entry: ChatEntry = {
        from: stored.from,
        "message_id": message.message_id,
        kind: messageKind(message),
        edits: stored.edits,
        message,
      };
      if (message.text !== undefined) entry.text = message.text;
      if (message.caption !== undefined) entry.caption = message.caption;
      const buttons = keyboardLabels(message.reply_markup);
      if (buttons !== undefined) entry.buttons = buttons;
      entries.push(entry);
    }
    return entries;
  }
}

/** Labels of an inline keyboard, row by row (undefined without a keyboard). */
export function keyboardLabels(
  markup: InlineKeyboardMarkup | undefined,
): string[][] | undefined {
  if (markup === undefined) return undefined;
  return markup.inline_keyboard.map((row) => row.map((button) => button.text));
}

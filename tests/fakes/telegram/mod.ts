/**
 * A fake Telegram Bot API server for end-to-end tests. It speaks the real
 * wire protocol on 127.0.0.1, so an unmodified grammY `Bot` works against it:
 *
 * ```ts
 * await using fake = await FakeTelegram.start();
 * const bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot } });
 * bot.on("message:text", (ctx) => ctx.reply("hi"));
 * void bot.start();
 * const alice = fake.user(1001);
 * fake.sendText(alice, "hello");
 * await fake.waitForCall("sendMessage");
 * await bot.stop();
 * ```
 *
 * getUpdates is real long polling (offset/limit/timeout, 409 when a newer
 * long poll terminates an older one, like Telegram), messages live per chat
 * and can be edited/deleted, files are served at `/file/bot<token>/<path>`,
 * and any method can be made to fail with {@link FakeTelegram.failNext}.
 *
 * @module
 */

import type { Message, Update, UserFromGetMe } from "grammy/types";
import {
  CallLog,
  type Failure,
  type RecordedCall,
  type WaitForCallOptions,
} from "./calls.ts";
import { commandEntities } from "./format.ts";
import { type MethodContext, METHODS } from "./methods.ts";
import { PollQueue } from "./poll.ts";
import { WebhookDelivery } from "./webhook.ts";
import { RateLimit, type RateLimitOptions, type Refusal } from "./rate.ts";
import {
  type ChatEntry,
  FakeStore,
  type FakeUser,
  keyboardLabels,
} from "./state.ts";
import {
  decodeRequest,
  errorResponse,
  okResponse,
  type RecordedFile,
  TelegramApiError,
  type Upload,
} from "./wire.ts";

export type { Failure, RecordedCall, WaitForCallOptions } from "./calls.ts";
export type { ChatEntry, FakeUser, MessageKind } from "./state.ts";
export type { RecordedFile } from "./wire.ts";
export { TelegramApiError } from "./wire.ts";
export type { RateLimitOptions, Refusal } from "./rate.ts";

/** Options of {@link FakeTelegram.start}. */
export interface FakeTelegramOptions {
  /** Bot token the fake accepts (default `123456789:TEST_token_do_not_log`). */
  token?: string;
  /** Bot user id (default: the numeric prefix of the token). */
  botId?: number;
  /** Bot username (default `lora_test_bot`). */
  botUsername?: string;
  /** Keep uploaded bytes (default true); false keeps only sizes, for big benchmarks. */
  recordFileBytes?: boolean;
  /**
   * Opt-in flood control (benchmarks): calls over Telegram's message limits
   * get 429 with `retry_after`; `true` uses the documented limits.
   */
  rateLimit?: RateLimitOptions | boolean;
}

const DEFAULT_TOKEN = "123456789:TEST_token_do_not_log";

/** A fake Telegram Bot API server; see the module documentation. */
export class FakeTelegram implements AsyncDisposable {
  /** Base URL to pass as grammY's `client.apiRoot`, e.g. `http://127.0.0.1:4321`. */
  readonly apiRoot: string;
  /** The only token the fake accepts (others get 401 Unauthorized). */
  readonly token: string;
  /** What getMe returns; pass it as grammY's `botInfo` to skip getMe. */
  readonly botInfo: UserFromGetMe;
  /** Every Bot API call in arrival order, except getUpdates. */
  readonly calls: RecordedCall[];
  /**
   * File downloads served (`path` is the file_path; `sent`: bytes the
   * client pulled, which stays small when it stops reading early).
   */
  readonly downloads: { path: string; at: number; sent: number }[] = [];
  /** Calls refused with 429 by the `rateLimit` option. */
  get rateLimited(): number {
    return this.#rate?.refused ?? 0;
  }
  /** Which limit refused each of them, and when. */
  get refusals(): readonly Refusal[] {
    return this.#rate?.refusals ?? [];
  }
  /** Number of getUpdates requests received. */
  get pollCount(): number {
    return this.#poll.pollCount;
  }

  readonly #server: Deno.HttpServer<Deno.NetAddr>;
  readonly #store: FakeStore;
  readonly #poll: PollQueue;
  readonly #recordBytes: boolean;
  readonly #rate: RateLimit | undefined;
  readonly #log = new CallLog();
  #webhook: WebhookDelivery | undefined;
  #closing: Promise<void> | undefined;

  private constructor(options: FakeTelegramOptions) {
    this.token = options.token ?? DEFAULT_TOKEN;
    this.#recordBytes = options.recordFileBytes ?? true;
    const rate = options.rateLimit ?? false;
    this.#rate = rate === false
      ? undefined
      : new RateLimit(rate === true ? {} : rate);
    const botId = options.botId ?? (Number(this.token.split(":")[0]) || 1);
    this.botInfo = {
      id: botId,
      "is_bot": true,
      "first_name": "LoRA Test Bot",
      username: options.botUsername ?? "lora_test_bot",
      "can_join_groups": true,
      "can_read_all_group_messages": false,
      "supports_inline_queries": false,
      "can_connect_to_business": false,
      "has_main_web_app": false,
      "has_topics_enabled": false,
      "allows_users_to_create_topics": false,
      "can_manage_bots": false,
      "supports_join_request_queries": false,
    };
    this.calls = this.#log.calls;
    this.#store = new FakeStore(this.botInfo);
    this.#poll = new PollQueue(this.#store);
    this.#server = Deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      onListen() {},
      // No logging (the project lints no-console): errors become a 500.
      onError: (error) =>
        errorResponse(
          new TelegramApiError(500, `Internal Server Error: ${error}`),
        ),
    }, (request) => this.#handle(request));
    this.apiRoot = `http://127.0.0.1:${this.#server.addr.port}`;
  }

  /** Starts a fake server on a free port of 127.0.0.1. */
  static start(options: FakeTelegramOptions = {}): Promise<FakeTelegram> {
    return Promise.resolve(new FakeTelegram(options));
  }

  // ------------------------------------------------------------ records

  /** All recorded calls of `method`, in order. */
  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  /** Id of the last recorded call, or -1 when there is none yet. */
  lastCallId(): number {
    return this.calls.at(-1)?.id ?? -1;
  }

  /**
   * Resolves with the first call of `method` whose id > `after` (default -1,
   * i.e. already recorded calls count) and for which `where` holds; rejects
   * after `timeoutMs` (default 10000) listing the methods seen. Resolves
   * once the fake has answered the call (calls held by a `timeout` failure:
   * on arrival).
   */
  waitForCall(
    method: string,
    opts: WaitForCallOptions = {},
  ): Promise<RecordedCall> {
    return this.#log.waitForCall(method, opts);
  }

  /**
   * Resolves once the bot confirmed `updateId` (a getUpdates with a higher
   * offset arrived), i.e. grammY finished handling it; rejects after
   * `timeoutMs` (default 10000).
   */
  waitForConfirmed(
    updateId: number,
    opts: { timeoutMs?: number } = {},
  ): Promise<void> {
    return this.#poll.waitForConfirmed(updateId, opts.timeoutMs ?? 10_000);
  }

  /**
   * Resolves when a getUpdates long poll is held open, i.e. the bot is idle
   * and waiting for updates; rejects after `timeoutMs` (default 10000).
   */
  waitForLongPoll(opts: { timeoutMs?: number } = {}): Promise<void> {
    return this.#poll.waitForLongPoll(opts.timeoutMs ?? 10_000);
  }

  /** Updates injected but not yet confirmed by the bot. */
  pendingUpdates(): Update[] {
    return structuredClone(this.#store.updates);
  }

  /** What the user sees in a chat: live bot and user messages, in order. */
  chat(chatId: number): ChatEntry[] {
    return this.#store.transcript(chatId);
  }

  /** The answer the bot gave to a callback query (params of answerCallbackQuery). */
  callbackAnswer(queryId: string): Record<string, unknown> | undefined {
    return this.#store.callbackQueries.get(queryId)?.answer;
  }

  // ------------------------------------------------------------ scripting

  /** Creates (or updates) a user; their private chat id equals their id. */
  user(id: number, fields: Partial<FakeUser> = {}): FakeUser {
    return structuredClone(
      this.#store.addUser({ "first_name": `User${id}`, ...fields, id }),
    );
  }

  /** Makes every later send to `userId` fail with 403 `bot was blocked by the user`. */
  blockBot(userId: number, blocked = true): void {
    if (blocked) this.#store.blocked.add(userId);
    else this.#store.blocked.delete(userId);
  }

  /** Stores a file the bot can getFile/download (or send by file_id). */
  registerFile(
    bytes: Uint8Array,
    opts: { path?: string } = {},
  ): {
    "file_id": string;
    "file_unique_id": string;
    "file_size": number;
    "file_path": string;
  } {
    const file = this.#store.registerFile(
      "documents",
      "dat",
      bytes.length,
      bytes,
      opts.path,
    );
    return {
      "file_id": file.fileId,
      "file_unique_id": file.uniqueId,
      "file_size": file.size,
      "file_path": file.path,
    };
  }

  /** The next `times` (default 1) calls of `method` fail (`"download"`: file downloads). */
  failNext(method: string, failure: Failure, times = 1): void {
    this.#log.failNext(method, failure, times);
  }

  /**
   * Injects any update (update_id is assigned); returns it. The sender of a
   * private message becomes a known user and a callback query id becomes
   * answerable, but the message is not added to the chat transcript (use
   * {@link FakeTelegram.sendMessageUpdate} for that).
   */
  injectUpdate(update: Omit<Update, "update_id">): Update {
    const message = update.message;
    if (
      message?.chat.type === "private" &&
      !this.#store.chats.has(message.chat.id)
    ) {
      this.#store.addUser({
        id: message.chat.id,
        "first_name": message.chat.first_name,
      });
    }
    const query = update.callback_query;
    if (query !== undefined && !this.#store.callbackQueries.has(query.id)) {
      this.#store.callbackQueries.set(query.id, {});
    }
    return this.#poll.push(update);
  }

  /**
   * Webhook mode: POSTs pending updates to `target` (the local address
   * standing for the URL the bot set) as Telegram does while a webhook is
   * set; see webhook.ts.
   */
  deliverWebhook(target: string, maxConnections?: number): WebhookDelivery {
    this.#webhook?.close();
    this.#webhook = new WebhookDelivery(this.#store, target, maxConnections);
    return this.#webhook;
  }

  /** Re-sends an update with its original update_id (see TelegramPoll). */
  redeliver(update: Update): void {
    this.#poll.redeliver(update);
  }

  /** A user message with arbitrary content (message_id, date, chat, from filled in). */
  sendMessageUpdate(from: FakeUser, partial: Partial<Message>): Update {
    const sender = this.#store.telegramUser(from);
    const message = this.#store.addMessage(from.id, "user", partial, sender);
    return this.injectUpdate({
      message: structuredClone(message) as NonNullable<Update["message"]>,
    });
  }

  /** A group the bot is a member of; its id is negative. */
  group(id: number, title = "Group"): number {
    this.#store.addGroup(id, title);
    return id;
  }

  /** Sets `user`'s status in the group (creator, administrator, member…). */
  chatMember(groupId: number, user: FakeUser, status: string): void {
    this.#store.telegramUser(user);
    const chat = this.#store.chat(groupId);
    (chat.members ??= new Map()).set(user.id, status);
  }

  /** `from` posts in the group `groupId` (as {@link sendMessageUpdate}). */
  sendGroupMessage(
    groupId: number,
    from: FakeUser,
    partial: Partial<Message>,
  ): Update {
    const sender = this.#store.telegramUser(from);
    const message = this.#store.addMessage(groupId, "user", partial, sender);
    return this.injectUpdate({
      message: structuredClone(message) as NonNullable<Update["message"]>,
    });
  }

  /** `from` posts a photo in the group `groupId`. */
  sendGroupPhoto(groupId: number, from: FakeUser, image: Uint8Array): Update {
    const photo = this.#store.photoSizes(image, image.length, {});
    return this.sendGroupMessage(groupId, from, { photo });
  }

  /** The user sends text; `/commands` get `bot_command` entities. */
  sendText(from: FakeUser, text: string): Update {
    const entities = commandEntities(text);
    return this.sendMessageUpdate(
      from,
      entities.length > 0 ? { text, entities } : { text },
    );
  }

  /**
   * The user sends a photo: three PhotoSize entries (smallest first), only
   * the largest serving `image`. Size defaults to the PNG/JPEG header, else
   * 1280x960.
   */
  sendPhoto(
    from: FakeUser,
    image: Uint8Array,
    opts: {
      caption?: string;
      width?: number;
      height?: number;
      /** Part of an album: Telegram's `media_group_id`. */
      mediaGroupId?: string;
    } = {},
  ): Update {
    const photo = this.#store.photoSizes(image, image.length, opts);
    const partial: Partial<Message> = { photo };
    if (opts.caption !== undefined) partial.caption = opts.caption;
    if (opts.mediaGroupId !== undefined) {
      partial.media_group_id = opts.mediaGroupId;
    }
    return this.sendMessageUpdate(from, partial);
  }

  /** The user sends a file as a document. */
  sendDocument(
    from: FakeUser,
    bytes: Uint8Array,
    opts: { fileName: string; mimeType: string; caption?: string },
  ): Update {
    const ext = /\.([a-z0-9]+)$/i.exec(opts.fileName)?.[1] ?? "dat";
    const file = this.#store.registerFile(
      "documents",
      ext,
      bytes.length,
      bytes,
    );
    const document = {
      "file_id": file.fileId,
      "file_unique_id": file.uniqueId,
      "file_name": opts.fileName,
      "mime_type": opts.mimeType,
      "file_size": file.size,
    };
    file.media = { document };
    const partial: Partial<Message> = { document };
    if (opts.caption !== undefined) partial.caption = opts.caption;
    return this.sendMessageUpdate(from, partial);
  }

  /** The user sends a video. */
  sendVideo(
    from: FakeUser,
    bytes: Uint8Array,
    opts: {
      caption?: string;
      width?: number;
      height?: number;
      duration?: number;
    } = {},
  ): Update {
    const file = this.#store.registerFile("videos", "mp4", bytes.length, bytes);
    const video = {
      "file_id": file.fileId,
      "file_unique_id": file.uniqueId,
      width: opts.width ?? 1280,
      height: opts.height ?? 720,
      duration: opts.duration ?? 5,
      "mime_type": "video/mp4",
      "file_size": file.size,
    };
    file.media = { video };
    const partial: Partial<Message> = { video };
    if (opts.caption !== undefined) partial.caption = opts.caption;
    return this.sendMessageUpdate(from, partial);
  }

  /**
   * The user presses an inline button with callback data `data` under a bot
   * message (a message_id in `from`'s private chat, or a message). Throws if
   * the message has no such button, unless `unchecked` is set.
   */
  clickButton(
    from: FakeUser,
    message: { "message_id": number; chat: { id: number } } | number,
    data: string,
    opts: { unchecked?: boolean } = {},
  ): Update {
    const chatId = typeof message === "number" ? from.id : message.chat.id;
    const messageId = typeof message === "number"
      ? message
      : message.message_id;
    const stored = this.#store.findMessage(chatId, messageId);
    if (stored === undefined) {
      throw new Error(`clickButton: no message ${messageId} in chat ${chatId}`);
    }
    const buttons = stored.message.reply_markup?.inline_keyboard.flat() ?? [];
    const found = buttons.some((button) =>
      "callback_data" in button && button.callback_data === data
    );
    if (!found && !opts.unchecked) {
      throw new Error(
        `clickButton: message ${messageId} has no button with data "${data}"` +
          `; buttons: ${
            JSON.stringify(keyboardLabels(stored.message.reply_markup) ?? [])
          }`,
      );
    }
    return this.injectUpdate({
      "callback_query": {
        id: this.#store.newCallbackQueryId(),
        from: this.#store.telegramUser(from),
        message: structuredClone(stored.message),
        "chat_instance": this.#store.chat(chatId).instance,
        data,
      },
    });
  }

  // ------------------------------------------------------------ lifecycle

  /** Answers pending requests (long polls get `[]`), then stops the server. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#webhook?.close();
      this.#poll.close();
      this.#log.close();
      await this.#server.shutdown();
    })();
    return this.#closing;
  }

  /** Same as {@link FakeTelegram.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  // ------------------------------------------------------------ HTTP

  async #handle(request: Request): Promise<Response> {
    const receivedAt = performance.now();
    const url = new URL(request.url);
    const fileMatch = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (fileMatch !== null) {
      return await this.#download(fileMatch[1] ?? "", fileMatch[2] ?? "");
    }
    const match = /^\/bot([^/]*)\/(?:test\/)?([A-Za-z0-9_]*)$/.exec(
      url.pathname,
    );
    if (match === null || match[1] !== this.token) {
      await request.body?.cancel();
      return match === null
        ? errorResponse(new TelegramApiError(404, "Not Found"))
        : errorResponse(new TelegramApiError(401, "Unauthorized"));
    }
    const method = match[2] ?? "";
    let params: Record<string, unknown>;
    const uploads: Upload[] = [];
    try {
      const decoded = await decodeRequest(request, url, {
        keepFiles: this.#recordBytes,
      });
      params = decoded.params;
      for (
        const { part, field, filename, type, size, bytes } of decoded.files
      ) {
        const record: RecordedFile = { field, filename, size };
        if (bytes !== undefined) record.bytes = bytes;
        if (type !== "") record.contentType = type;
        uploads.push({ part, record });
      }
    } catch (error) {
      if (error instanceof TelegramApiError) return errorResponse(error);
      return errorResponse(
        new TelegramApiError(400, "Bad Request: can't read request body"),
      );
    }
    if (method.toLowerCase() === "getupdates") {
      const failure = this.#log.takeFailure(method);
      if (failure === undefined) return await this.#poll.getUpdates(params);
      this.#poll.pollCount++;
      return await this.#log.failureResponse(failure);
    }
    const sent = Number(request.headers.get("x-sent-at") ?? Number.NaN);
    const times = { receivedAt, ...(sent > 0 ? { sentAt: sent } : {}) };
    return await this.#call(method, params, uploads, times);
  }

  async #call(
    method: string,
    params: Record<string, unknown>,
    uploads: Upload[],
    times: { receivedAt: number; sentAt?: number },
  ): Promise<Response> {
    const { receivedAt } = times;
    const files = uploads.map((upload) => upload.record);
    const call = this.#log.record(method, params, files);
    call.receivedAt = receivedAt;
    if (times.sentAt !== undefined) call.sentAt = times.sentAt;
    const failure = this.#log.takeFailure(method) ??
      this.#overLimit(method, params, receivedAt);
    let response: Response | Promise<Response>;
    if (failure !== undefined) {
      response = this.#log.failureResponse(failure, call);
    } else {
      const handler = METHODS[method.toLowerCase()];
      try {
        if (handler === undefined) {
          throw new TelegramApiError(404, "Not Found");
        }
        const ctx: MethodContext = { store: this.#store, params, uploads };
        call.result = handler(ctx);
        response = okResponse(call.result);
        if (method.toLowerCase() === "setwebhook" && this.#store.webhookUrl) {
          this.#poll.abort("Conflict: terminated by setWebhook request");
        }
      } catch (thrown) {
        // A bug in the fake itself becomes a 500 the test can see.
        const error = thrown instanceof TelegramApiError
          ? thrown
          : new TelegramApiError(500, `Internal Server Error: ${thrown}`);
        call.error = { code: error.code, description: error.description };
        response = errorResponse(error);
      }
    }
    this.#log.announce(call);
    return await response;
  }

  // A 429 when the opt-in flood control refuses the call.
  #overLimit(
    method: string,
    params: Record<string, unknown>,
    receivedAt: number,
  ): Failure | undefined {
    const retryAfter = this.#rate?.check(method, params, receivedAt);
    return retryAfter === undefined ? undefined : { kind: "429", retryAfter };
  }

  async #download(token: string, rawPath: string): Promise<Response> {
    if (token !== this.token) {
      return errorResponse(new TelegramApiError(401, "Unauthorized"));
    }
    const failure = this.#log.takeFailure("download");
    if (failure !== undefined) return await this.#log.failureResponse(failure);
    let path = rawPath;
    try {
      path = decodeURIComponent(rawPath);
    } catch {
      // keep the raw path
    }
    const file = this.#store.paths.get(path);
    if (file?.bytes === undefined) {
      return errorResponse(new TelegramApiError(404, "Not Found"));
    }
    const record = { path, at: Date.now(), sent: 0 };
    this.downloads.push(record);
    // Streamed in 64 KB chunks as the client reads, so `sent` shows how
    // much of the file a client that gives up early really took.
    const bytes = file.bytes;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const chunk = bytes.slice(record.sent, record.sent + 64 * 1024);
        record.sent += chunk.length;
        if (chunk.length > 0) controller.enqueue(chunk);
        if (record.sent >= bytes.length) controller.close();
      },
    }, { highWaterMark: 0 });
    return new Response(body, {
      headers: {
        "content-type": "application/octet-stream",
        "content-length": String(file.bytes.length),
      },
    });
  }
}

/**
 * ComfyUI's websocket (`/ws?clientId=…`) with reconnection. ComfyUI sends
 * events only to an open socket and never replays missed ones, so this is
 * a source of live progress, not of truth: the core client confirms every
 * result from `/history` and polls while the socket is down.
 *
 * @module
 */

import type { Clock } from "../../clock.ts";

/** A text frame `{type, data}`; binary preview frames are dropped. */
export interface WsMessage {
  readonly type: string;
  readonly data: Record<string, unknown>;
}

/** `new WebSocket(url, options)` (Deno accepts `headers` in the options). */
export type WebSocketConstructor = new (
  url: string,
  options?: { headers?: Record<string, string> },
) => WebSocket;

/** Options of {@link ComfySocket}. */
export interface ComfySocketOptions {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly clock: Clock;
  readonly WebSocket?: WebSocketConstructor | undefined;
  /** Every text message. */
  readonly onMessage: (message: WsMessage) => void;
  /** The socket opened or went down (the client then polls). */
  readonly onState: (open: boolean) => void;
  /** First reconnect delay; doubles per failure up to `maxBackoffMs`. */
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Consecutive failed connects before giving up (polling only). */
  readonly maxAttempts?: number;
}

/** One reconnecting websocket; {@link ComfySocket.close} ends it. */
export class ComfySocket {
  readonly #options: ComfySocketOptions;
  readonly #stop = new AbortController();
  #socket: WebSocket | undefined;
  #open = false;
  #loop: Promise<void> | undefined;
  #opened: { promise: Promise<void>; resolve(): void };

  constructor(options: ComfySocketOptions) {
    this.#options = options;
    this.#opened = Promise.withResolvers<void>();
  }

  /** Whether events arrive right now. */
  get open(): boolean {
    return this.#open;
  }

  /**
   * Starts connecting; resolves when the first attempt opened or failed,
   * or after `waitMs`, so a prompt can be posted with its events flowing.
   */
  async start(waitMs: number): Promise<void> {
    this.#loop ??= this.#run();
    const timer = this.#options.clock.sleep(waitMs, this.#stop.signal)
      .catch(() => {});
    await Promise.race([this.#opened.promise, timer]);
  }

  /** Closes the socket, stops reconnecting, and waits until it is closed. */
  async close(): Promise<void> {
    this.#stop.abort();
    this.#socket?.close();
    await this.#loop;
  }

  async #run(): Promise<void> {
    const { clock } = this.#options;
    const min = this.#options.minBackoffMs ?? 250;
    const max = this.#options.maxBackoffMs ?? 30_000;
    const attempts = this.#options.maxAttempts ?? 8;
    let failures = 0;
    while (!this.#stop.signal.aborted && failures < attempts) {
      const opened = await this.#connectOnce();
      this.#opened.resolve();
      failures = opened ? 1 : failures + 1;
      if (this.#stop.signal.aborted || failures >= attempts) break;
      const delay = Math.min(max, min * 2 ** (failures - 1));
      try {
        await clock.sleep(delay, this.#stop.signal);
      } catch {
        break;
      }
    }
    this.#opened.resolve();
  }

  // Resolves when this socket closed; true if it had opened.
  #connectOnce(): Promise<boolean> {
    const Ctor = this.#options.WebSocket ??
      (globalThis.WebSocket as unknown as WebSocketConstructor);
    return new Promise<boolean>((resolve) => {
      let socket: WebSocket;
      try {
        socket = new Ctor(this.#options.url, {
          headers: this.#options.headers,
        });
      } catch {
        resolve(false);
        return;
      }
      this.#socket = socket;
      let opened = false;
      socket.binaryType = "arraybuffer";
      socket.onopen = () => {
        opened = true;
        this.#setOpen(true);
        this.#opened.resolve();
        if (this.#stop.signal.aborted) socket.close();
      };
      socket.onmessage = (event) => {
        if (typeof event.data !== "string") return; // preview images
        const message = parseMessage(event.data);
        if (message !== undefined) this.#options.onMessage(message);
      };
      socket.onerror = () => {}; // a close event always follows
      socket.onclose = () => {
        this.#socket = undefined;
        if (opened) this.#setOpen(false);
        resolve(opened);
      };
    });
  }

  #setOpen(open: boolean): void {
    this.#open = open;
    this.#options.onState(open);
  }
}

/** Reads one text frame; undefined when it is not `{type, data}`. */
export function parseMessage(text: string): WsMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const { type, data } = value as Record<string, unknown>;
  if (typeof type !== "string") return undefined;
  return {
    type,
    data: typeof data === "object" && data !== null
      ? data as Record<string, unknown>
      : {},
  };
}

/**
 * The fake ComfyUI's websocket `/ws?clientId=` (server.py websocket_handler):
 * `status` on connect (plus `executing` of the running node if this
 * client's prompt runs), events for a client only while its socket is
 * open (no replay), broadcasts to all. See comfyui-contract.md §2, §6.9.
 *
 * @module
 */

import { empty } from "./core.ts";

/**
 * - `ok`: sockets work.
 * - `refuse`: the upgrade is answered 403 (a proxy that blocks websockets).
 * - `drop_mid_job`: each prompt's socket is closed by the server at its
 *   first `progress` event; reconnecting works.
 */
export type WsMode = "ok" | "refuse" | "drop_mid_job";

/** A JSON text frame. */
export interface WsEvent {
  type: string;
  data: Record<string, unknown>;
}

/** One recorded frame sent to a client. */
export interface SentEvent extends WsEvent {
  clientId: string;
}

/** Open sockets by client id. */
export class WsHub {
  /** Mode for new sockets and events. */
  mode: WsMode = "ok";
  /** Every frame actually sent (dropped ones are not). */
  readonly sent: SentEvent[] = [];
  /** Client ids in connection order (reconnects included). */
  readonly connects: string[] = [];
  readonly #sockets = new Map<string, WebSocket>();
  readonly #all = new Map<WebSocket, Promise<void>>();
  readonly #queueRemaining: () => number;
  readonly #runningNode: (clientId: string) => WsEvent | undefined;

  constructor(
    queueRemaining: () => number,
    runningNode: (clientId: string) => WsEvent | undefined,
  ) {
    this.#queueRemaining = queueRemaining;
    this.#runningNode = runningNode;
  }

  /** Whether `clientId` has an open socket. */
  isOpen(clientId: string): boolean {
    return this.#sockets.get(clientId)?.readyState === WebSocket.OPEN;
  }

  /** Handles `GET /ws`. */
  handle(req: Request, url: URL): Response {
    if (this.mode === "refuse") return empty(403);
    if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return empty(400);
    }
    const clientId = url.searchParams.get("clientId") ??
      crypto.randomUUID().replaceAll("-", "");
    const { socket, response } = Deno.upgradeWebSocket(req);
    const closed = Promise.withResolvers<void>();
    this.#all.set(socket, closed.promise);
    socket.onopen = () => {
      this.#sockets.get(clientId)?.close(); // same id replaces the old one
      this.#sockets.set(clientId, socket);
      this.connects.push(clientId);
      this.sendTo(clientId, this.statusEvent(clientId));
      const running = this.#runningNode(clientId);
      if (running !== undefined) this.sendTo(clientId, running);
    };
    socket.onmessage = () => {}; // feature flags etc. are ignored
    socket.onerror = () => {};
    socket.onclose = () => {
      if (this.#sockets.get(clientId) === socket) {
        this.#sockets.delete(clientId);
      }
      this.#all.delete(socket);
      closed.resolve();
    };
    return response;
  }

  /** `{type: "status"}` with the queue size (and the sid when addressed). */
  statusEvent(clientId?: string): WsEvent {
    const status = {
      "exec_info": { "queue_remaining": this.#queueRemaining() },
    };
    return {
      type: "status",
      data: clientId === undefined ? { status } : { status, sid: clientId },
    };
  }

  /** Sends to one client; dropped silently when it has no open socket. */
  sendTo(clientId: string, event: WsEvent): void {
    const socket = this.#sockets.get(clientId);
    if (socket?.readyState !== WebSocket.OPEN) return;
    socket.send(JSON.stringify(event));
    this.sent.push({ clientId, ...event });
  }

  /** A binary preview frame (type 1, JPEG) that clients must ignore. */
  sendPreview(clientId: string): void {
    const socket = this.#sockets.get(clientId);
    if (socket?.readyState !== WebSocket.OPEN) return;
    socket.send(new Uint8Array([0, 0, 0, 1, 0, 0, 0, 1, 0xff, 0xd8, 0xff]));
  }

  /** Sends to every open socket. */
  broadcast(event: WsEvent): void {
    for (const clientId of this.#sockets.keys()) this.sendTo(clientId, event);
  }

  /** Closes one client's socket from the server side. */
  drop(clientId: string): void {
    this.#sockets.get(clientId)?.close(1001, "going away");
  }

  /** Closes every socket and waits until they are closed. */
  async closeAll(): Promise<void> {
    const closing = [...this.#all.values()];
    for (const socket of this.#all.keys()) {
      try {
        socket.close(1001);
      } catch {
        // Not open yet: its close event still comes.
      }
    }
    this.#sockets.clear();
    await Promise.all(closing);
  }
}

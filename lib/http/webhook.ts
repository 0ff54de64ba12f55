/**
 * Webhook mode: Telegram POSTs each update to us. A request without the
 * right `X-Telegram-Bot-Api-Secret-Token` gets 401 and is not looked at.
 * A good one is stored first (the `updates` table) and answered 200 only
 * then, so an update Telegram was told we have survives a SIGKILL; it is
 * handled afterwards from there (lib/intake/), so a slow handler never
 * makes Telegram resend an update (it does after ~60 s without an answer).
 * One that cannot be stored gets 500, and Telegram sends it again.
 * Until {@link WebhookReceiver.open} (a standby instance, or a start not
 * finished) and after close() it answers 503, which Telegram also retries
 * and a reverse proxy can take as its cue to try the other instance.
 *
 * @module
 */

import type { Update } from "grammy/types";
import type { Logger } from "../log.ts";

/** The header Telegram sends the secret token in. */
export const SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token";

/** Options of {@link WebhookReceiver}. */
export interface WebhookReceiverOptions {
  readonly secret: string;
  /**
   * Stores the update and hands it on for handling; throws when it cannot
   * be stored (a duplicate is fine: it was stored before).
   */
  readonly accept: (update: Update) => Promise<void>;
  /** Told about each accepted update (metrics). */
  readonly onUpdate?: () => void;
  readonly log: Logger;
}

/** Receives webhook requests; see the module documentation. */
export class WebhookReceiver {
  readonly #o: WebhookReceiverOptions;
  readonly #secret: Uint8Array;
  #state: "waiting" | "open" | "closed" = "waiting";

  constructor(options: WebhookReceiverOptions) {
    this.#o = options;
    this.#secret = new TextEncoder().encode(options.secret);
  }

  /** Answers one HTTP request to the webhook path. */
  async handle(request: Request): Promise<Response> {
    if (!this.#authorized(request.headers.get(SECRET_HEADER))) {
      await request.body?.cancel();
      this.#o.log.warn("webhook request with a wrong or missing secret");
      return new Response("unauthorized\n", { status: 401 });
    }
    if (request.method !== "POST") {
      return new Response("method not allowed\n", { status: 405 });
    }
    if (this.#state !== "open") {
      // Telegram keeps the update and sends it again later, here after a
      // restart or takeover, or to the active instance behind a proxy.
      await request.body?.cancel();
      const why = this.#state === "closed" ? "stopping" : "standby";
      return new Response(`${why}\n`, { status: 503 });
    }
    let update: Update;
    try {
      update = parseUpdate(await request.json());
    } catch {
      return new Response("bad update\n", { status: 400 });
    }
    try {
      await this.#o.accept(update);
    } catch (error) {
      this.#o.log.error("cannot store a webhook update", {
        update: update.update_id,
        error,
      });
      return new Response("cannot store the update\n", { status: 500 });
    }
    this.#o.onUpdate?.();
    return new Response(null, { status: 200 });
  }

  /** Takes updates from now on (this instance is the active one). */
  open(): void {
    if (this.#state === "waiting") this.#state = "open";
  }

  /** Refuses new updates (the accepted ones are stored already). */
  close(): void {
    this.#state = "closed";
  }

  // Compared in constant time: the answer time must not reveal the secret.
  #authorized(given: string | null): boolean {
    if (given === null) return false;
    const bytes = new TextEncoder().encode(given);
    let diff = bytes.length ^ this.#secret.length;
    for (let i = 0; i < this.#secret.length; i++) {
      diff |= (bytes[i] ?? 0) ^ (this.#secret[i] ?? 0);
    }
    return diff === 0;
  }
}

function parseUpdate(body: unknown): Update {
  if (
    typeof body !== "object" || body === null ||
    typeof (body as { update_id?: unknown }).update_id !== "number"
  ) {
    throw new TypeError("Not a Telegram update");
  }
  return body as Update;
}

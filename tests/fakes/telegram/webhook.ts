/**
 * Webhook delivery of the fake Telegram server, after telegram-bot-api's
 * WebhookActor (tdlib/telegram-bot-api@0cf13d3bf40111136accb2be0712d70653296e6d,
 * telegram-bot-api/WebhookActor.cpp):
 *
 * - updates are POSTed as JSON with `X-Telegram-Bot-Api-Secret-Token`
 *   when a secret was set; a 2xx answer forgets the update;
 * - updates of one queue (a chat; an update without one has its own) go
 *   one at a time and in order, at most `max_connections` (default 40)
 *   requests at once;
 * - a failed request (any other status, a refused or dropped connection)
 *   is retried: the first time at once (or after `Retry-After`), then
 *   after 2, 4, 8 … seconds, up to 60.
 *
 * Only the target differs: the test names the local address that stands
 * for the public WEBHOOK_URL.
 *
 * @module
 */

import type { Update } from "grammy/types";
import type { FakeStore } from "./state.ts";

const MAX_RESEND_S = 60;
// How often the sender looks for due updates (a fake's timer, not a test's).
const TICK_MS = 10;

interface Pending {
  failures: number;
  delayS: number;
  wakeAt: number;
}

function queueOf(update: Update): string {
  const chat = (update.message ?? update.edited_message)?.chat.id ??
    update.callback_query?.message?.chat.id;
  return chat === undefined ? `update:${update.update_id}` : `chat:${chat}`;
}

/** Sends the store's updates to `target` until closed. */
export class WebhookDelivery {
  /** POST requests made, answered or not. */
  requests = 0;
  readonly #store: FakeStore;
  readonly #target: string;
  readonly #maxConnections: number;
  readonly #state = new Map<number, Pending>();
  readonly #busyQueues = new Set<string>();
  readonly #timer: ReturnType<typeof setInterval>;
  readonly #abort = new AbortController();

  constructor(store: FakeStore, target: string, maxConnections = 40) {
    this.#store = store;
    this.#target = target;
    this.#maxConnections = maxConnections;
    this.#timer = setInterval(() => this.#send(), TICK_MS);
  }

  /** Stops sending; requests in flight are aborted. */
  close(): void {
    clearInterval(this.#timer);
    this.#abort.abort();
  }

  #send(): void {
    if (this.#store.webhookUrl === "") return;
    const now = Date.now();
    const seen = new Set<string>();
    for (const update of this.#store.updates) {
      if (this.#busyQueues.size >= this.#maxConnections) return;
      const queue = queueOf(update);
      // Only the first update of a queue may go.
      if (seen.has(queue)) continue;
      seen.add(queue);
      if (this.#busyQueues.has(queue)) continue;
      const state = this.#state.get(update.update_id);
      if (state !== undefined && state.wakeAt > now) continue;
      this.#busyQueues.add(queue);
      this.#post(update).finally(() => this.#busyQueues.delete(queue));
    }
  }

  async #post(update: Update): Promise<void> {
    this.requests++;
    let retryAfterS = 0;
    try {
      const secret = this.#store.webhookSecret;
      const response = await fetch(this.#target, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(secret === ""
            ? {}
            : { "X-Telegram-Bot-Api-Secret-Token": secret }),
        },
        body: JSON.stringify(update),
        signal: this.#abort.signal,
      });
      await response.body?.cancel();
      if (response.status >= 200 && response.status <= 299) {
        this.#store.updates = this.#store.updates.filter((u) =>
          u.update_id !== update.update_id
        );
        this.#state.delete(update.update_id);
        return;
      }
      retryAfterS = Number(response.headers.get("retry-after") ?? 0) || 0;
    } catch {
      // Refused or dropped: a failure like any other.
    }
    this.#failed(update.update_id, retryAfterS);
  }

  // WebhookActor::on_update_error.
  #failed(updateId: number, retryAfterS: number): void {
    const state = this.#state.get(updateId) ??
      { failures: 0, delayS: 1, wakeAt: 0 };
    let delayS = state.delayS;
    let waitS = Math.min(Math.max(retryAfterS, 0), 3600);
    if (waitS === 0 && state.failures > 0) {
      delayS = Math.min(MAX_RESEND_S, delayS * 2);
      waitS = delayS;
    }
    this.#state.set(updateId, {
      failures: state.failures + 1,
      delayS,
      wakeAt: Date.now() + waitS * 1000,
    });
  }
}

/**
 * Long polling that stores each batch before confirming it. grammY's
 * `bot.start()` handles a batch's updates one after another before it asks
 * for the next batch (which confirms the last); here a batch is only
 * stored (lib/telegram/update_log.ts) and handed to the dispatcher, so the next long
 * poll starts at once, unless the dispatcher has no room left. A batch that
 * cannot be stored is not confirmed: Telegram sends it again.
 *
 * The error handling is grammY's (`Bot.handlePollingError`, grammy 1.46):
 * 401 and 409 end polling with the error, 429 waits `retry_after`, any
 * other failure 3 s.
 *
 * @module
 */

import { type Api, GrammyError } from "grammy";
import type { Update } from "grammy/types";
import type { Clock } from "../clock.ts";
import type { Logger } from "../log.ts";

/** Options of {@link Poller}. */
export interface PollerOptions {
  readonly api: Api;
  readonly allowedUpdates: readonly string[];
  readonly clock: Clock;
  readonly log: Logger;
  /** Stores and dispatches a batch; throws when it cannot be stored. */
  readonly accept: (updates: Update[]) => void;
  /** Resolves when the dispatcher can take more updates. */
  readonly room: () => Promise<void>;
}

// Seconds a long poll is held open by Telegram (grammY's default).
const POLL_TIMEOUT_S = 30;
const RETRY_MS = 3000;
const STORE_RETRY_MS = 1000;

/** See the module documentation. */
export class Poller {
  readonly #o: PollerOptions;
  readonly #abort = new AbortController();
  #offset = 0;
  #running = false;

  constructor(options: PollerOptions) {
    this.#o = options;
  }

  /** True from {@link run} until polling ends. */
  get running(): boolean {
    return this.#running;
  }

  /** Polls until {@link stop}; rejects on 401 or 409. */
  async run(onStart?: () => void): Promise<void> {
    const signal = this.#abort.signal;
    this.#running = true;
    try {
      await this.#o.api.deleteWebhook({ drop_pending_updates: false });
      onStart?.();
      // Ends with stop() (the abort) or a fatal error.
      while (!signal.aborted) {
        await this.#o.room();
        const updates = await this.#fetch(signal);
        if (updates === undefined) continue;
        try {
          this.#o.accept(updates);
        } catch (error) {
          this.#o.log.error("cannot store updates; asking again", { error });
          await this.#o.clock.sleep(STORE_RETRY_MS, signal).catch(() => {});
          continue;
        }
        const last = updates.at(-1);
        if (last !== undefined) this.#offset = last.update_id + 1;
      }
    } finally {
      this.#running = false;
    }
  }

  /** Ends the long poll and confirms the stored updates to Telegram. */
  async stop(): Promise<void> {
    if (this.#abort.signal.aborted) return;
    this.#abort.abort();
    // Like bot.stop(): a last short call confirms the offset, so Telegram
    // does not send the stored batch again.
    await this.#o.api.getUpdates({ offset: this.#offset, limit: 1, timeout: 0 })
      .catch((error) =>
        this.#o.log.debug("cannot confirm the last updates", { error })
      );
  }

  async #fetch(signal: AbortSignal): Promise<Update[] | undefined> {
    try {
      return await this.#o.api.getUpdates(
        {
          offset: this.#offset,
          timeout: POLL_TIMEOUT_S,
          // grammY's type wants its own union; these are Telegram's names.
          allowed_updates: this.#o.allowedUpdates as [],
        },
        // grammY types its signals with a polyfill's type.
        signal as Parameters<Api["getUpdates"]>[1],
      );
    } catch (error) {
      if (signal.aborted) return undefined;
      let waitMs = RETRY_MS;
      if (error instanceof GrammyError) {
        if (error.error_code === 401 || error.error_code === 409) throw error;
        const after = error.parameters.retry_after;
        if (error.error_code === 429 && after !== undefined) {
          waitMs = after * 1000;
        }
      }
      this.#o.log.warn("getUpdates failed; retrying", { error, waitMs });
      await this.#o.clock.sleep(waitMs, signal).catch(() => {});
      return undefined;
    }
  }
}

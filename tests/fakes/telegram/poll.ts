/**
 * The update queue and getUpdates long polling of the fake Telegram server.
 *
 * Semantics follow telegram-bot-api: `offset` confirms (forgets) every
 * update with a lower id (negative: keep only the last -offset ones),
 * `limit` is clamped to 1..100 (default 100), `timeout` to 0..50 seconds.
 * A request that finds no update and has a timeout is held open until an
 * update is injected or the timeout elapses (`[]`). When a second long poll
 * arrives while one is held, the OLDER one is answered with 409
 * `Conflict: terminated by other getUpdates request; ...`, as Telegram does
 * (this also keeps grammY's `bot.stop()` safe: its final getUpdates has
 * timeout 0 and never conflicts). Only updates of allowed types are
 * delivered (default: all but chat_member and message reactions).
 *
 * Checked against tdlib/telegram-bot-api@01a3679c0bbf9bbba03d1d3e20f621fa4becddcc
 * (Client.cpp `do_get_updates`, `abort_long_poll`): only a request that is
 * going to be held terminates the held one; one with updates ready or
 * `timeout` 0 is answered at once. (Not modelled: the server stretches a
 * repeated short poll to 3 s and delays a second 409 within 3 s.)
 *
 * @module
 */

import type { Update } from "grammy/types";
import type { FakeStore } from "./state.ts";
import {
  arrayParam,
  errorResponse,
  intParam,
  okResponse,
  TelegramApiError,
} from "./wire.ts";

/** 409 description when a newer getUpdates terminates a held one. */
export const CONFLICT_OTHER_POLL =
  "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running";

const WEBHOOK_ACTIVE =
  "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first";

const NOT_DEFAULT = new Set([
  "chat_member",
  "message_reaction",
  "message_reaction_count",
]);

interface HeldPoll {
  limit: number;
  resolve: (response: Response) => void;
  timer: ReturnType<typeof setTimeout>;
}

interface Waiter {
  updateId: number;
  resolve: () => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** Pending updates plus the (single) held long poll. */
export class PollQueue {
  /** Number of getUpdates requests received. */
  pollCount = 0;
  #nextUpdateId = 100_000_001;
  #held: HeldPoll | undefined;
  #confirmedBelow = 0;
  #allowed: string[] | undefined;
  #wakeScheduled = false;
  #closed = false;
  readonly #confirmWaiters = new Set<Waiter>();
  readonly #heldWaiters = new Set<Waiter>();

  /** Creates the queue over the store's `updates`. */
  constructor(private readonly store: FakeStore) {}

  /** Queues an update (assigning update_id) and wakes a held long poll. */
  push(update: Omit<Update, "update_id">): Update {
    const full = { "update_id": this.#nextUpdateId++, ...update } as Update;
    this.store.updates.push(full);
    if (!this.#wakeScheduled) {
      // Wake after the current synchronous code, so that several updates
      // injected in a row are delivered in one batch, like Telegram does.
      this.#wakeScheduled = true;
      queueMicrotask(() => {
        this.#wakeScheduled = false;
        this.#wake();
      });
    }
    return structuredClone(full);
  }

  /**
   * Queues an update again with its own update_id, as Telegram re-sends an
   * update whose offset the bot never confirmed (it died before that).
   */
  redeliver(update: Update): void {
    this.store.updates.push(structuredClone(update));
    this.store.updates.sort((a, b) => a.update_id - b.update_id);
    // Not confirmed any more: waitForConfirmed() waits for the new copy.
    this.#confirmedBelow = Math.min(this.#confirmedBelow, update.update_id);
    this.#wake();
  }

  /** Answers a getUpdates request (maybe after holding it). */
  getUpdates(params: Record<string, unknown>): Response | Promise<Response> {
    this.pollCount++;
    if (this.#closed) return okResponse([]);
    if (this.store.webhookUrl !== "") {
      return errorResponse(new TelegramApiError(409, WEBHOOK_ACTIVE));
    }
    const offset = intParam(params, "offset") ?? 0;
    const limit = clamp(intParam(params, "limit") ?? 100, 1, 100);
    const timeout = clamp(intParam(params, "timeout") ?? 0, 0, 50);
    const allowed = arrayParam(params, "allowed_updates");
    if (allowed !== undefined) {
      this.#allowed = allowed.length > 0 ? allowed.map(String) : undefined;
    }
    this.#confirm(offset);
    const ready = this.#ready(limit);
    if (ready.length > 0 || timeout === 0) return okResponse(ready);
    this.abort(CONFLICT_OTHER_POLL);
    return new Promise((resolve) => {
      const held: HeldPoll = {
        limit,
        resolve,
        timer: setTimeout(() => {
          if (this.#held === held) this.#held = undefined;
          resolve(okResponse([]));
        }, timeout * 1000),
      };
      this.#held = held;
      for (const waiter of this.#heldWaiters) {
        clearTimeout(waiter.timer);
        waiter.resolve();
      }
      this.#heldWaiters.clear();
    });
  }

  /** Resolves when a long poll is being held (the bot is idle, waiting for updates). */
  waitForLongPoll(timeoutMs: number): Promise<void> {
    if (this.#held !== undefined) return Promise.resolve();
    return this.#wait(
      this.#heldWaiters,
      -1,
      timeoutMs,
      () => `waitForLongPoll() timed out after ${timeoutMs} ms`,
    );
  }

  /** Answers the held long poll (if any) with a 409 conflict. */
  abort(description: string): void {
    const held = this.#take();
    held?.resolve(errorResponse(new TelegramApiError(409, description)));
  }

  /** Resolves once an update with id `updateId` has been confirmed. */
  waitForConfirmed(updateId: number, timeoutMs: number): Promise<void> {
    if (updateId < this.#confirmedBelow) return Promise.resolve();
    return this.#wait(
      this.#confirmWaiters,
      updateId,
      timeoutMs,
      () =>
        `waitForConfirmed(${updateId}) timed out after ${timeoutMs} ms` +
        ` (confirmed below ${this.#confirmedBelow}, ${this.pollCount} polls)`,
    );
  }

  #wait(
    waiters: Set<Waiter>,
    updateId: number,
    timeoutMs: number,
    message: () => string,
  ): Promise<void> {
    if (this.#closed) return Promise.reject(new Error("FakeTelegram closed"));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        updateId,
        resolve,
        reject,
        timer: setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(message()));
        }, timeoutMs),
      };
      waiters.add(waiter);
    });
  }

  /** Answers the held long poll with `[]` and fails confirmation waiters. */
  close(): void {
    this.#closed = true;
    this.#take()?.resolve(okResponse([]));
    for (const waiter of [...this.#confirmWaiters, ...this.#heldWaiters]) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error("FakeTelegram closed"));
    }
    this.#confirmWaiters.clear();
    this.#heldWaiters.clear();
  }

  #take(): HeldPoll | undefined {
    const held = this.#held;
    if (held !== undefined) clearTimeout(held.timer);
    this.#held = undefined;
    return held;
  }

  #confirm(offset: number): void {
    const updates = this.store.updates;
    let kept = updates;
    if (offset > 0) kept = updates.filter((u) => u.update_id >= offset);
    if (offset < 0) kept = updates.slice(offset);
    const lastDropped = updates[updates.length - kept.length - 1];
    if (offset > 0) {
      this.#confirmedBelow = Math.max(this.#confirmedBelow, offset);
    } else if (lastDropped !== undefined) {
      this.#confirmedBelow = Math.max(
        this.#confirmedBelow,
        lastDropped.update_id + 1,
      );
    }
    this.store.updates = kept;
    for (const waiter of this.#confirmWaiters) {
      if (waiter.updateId >= this.#confirmedBelow) continue;
      this.#confirmWaiters.delete(waiter);
      clearTimeout(waiter.timer);
      waiter.resolve();
    }
  }

  #ready(limit: number): Update[] {
    const allowed = this.#allowed;
    this.store.updates = this.store.updates.filter((update) => {
      const type = Object.keys(update).find((key) => key !== "update_id");
      if (type === undefined) return false;
      return allowed ? allowed.includes(type) : !NOT_DEFAULT.has(type);
    });
    return structuredClone(this.store.updates.slice(0, limit));
  }

  #wake(): void {
    const held = this.#held;
    if (held === undefined) return;
    const ready = this.#ready(held.limit);
    if (ready.length === 0) return;
    this.#take();
    held.resolve(okResponse(ready));
  }
}

/**
 * Handling stored updates: those of different chats at the same time,
 * those of one chat one after another in the order Telegram numbered them,
 * and at most `limit` of them in memory (the rest wait in the `updates`
 * table). A handler that waits for its chat's one-message-a-second turn
 * thus holds up only its own chat.
 *
 * Why not `@grammyjs/runner` (`run()` with `sequentialize`): its source
 * only long-polls (its docs say not to use it with webhooks), and it
 * confirms a batch to Telegram with the next getUpdates whatever became of
 * the updates, while here both transports feed updates only from the
 * table they were stored in first (lib/telegram/update_log.ts), so one queue with one
 * bound serves polling and webhook alike.
 *
 * A `pre_checkout_query` (Telegram gives up on it after 10 s) has no chat
 * and runs at once; it and a `callback_query` are taken in even when the
 * bound is reached (up to twice the bound), so neither waits behind other
 * chats.
 *
 * @module
 */

import type { Update } from "grammy/types";
import type { Logger } from "../log.ts";

/** Where the dispatcher finds stored updates (lib/telegram/update_log.ts). */
export interface Inbox {
  /** Stored updates not handled yet, oldest first, except `skip`. */
  pending(limit: number, skip: ReadonlySet<number>): Promise<Update[]>;
  /** Whether the update is stored and not handled yet. */
  isPending(updateId: number): Promise<boolean>;
  /** Marks a stored update handled. */
  done(updateId: number): Promise<void>;
}

/** Options of {@link UpdateDispatcher}. */
export interface DispatcherOptions {
  readonly inbox: Inbox;
  /**
   * Handles one update; a rejection (nothing could be done, e.g. the
   * database was locked) leaves it stored for the next start.
   */
  readonly handle: (update: Update) => Promise<void>;
  /** Updates in memory (waiting for their chat or running) at most. */
  readonly limit: number;
  readonly log: Logger;
}

/** The chat whose order an update keeps, or undefined (no order). */
export function chatKeyOf(update: Update): string | undefined {
  const chat = (update.message ?? update.edited_message)?.chat.id ??
    update.callback_query?.message?.chat.id ??
    update.callback_query?.from.id;
  return chat === undefined ? undefined : String(chat);
}

// Answers Telegram or the user waits for: taken in over the bound.
function urgent(update: Update): boolean {
  return update.pre_checkout_query !== undefined ||
    update.callback_query !== undefined;
}

/** See the module documentation. */
export class UpdateDispatcher {
  readonly #o: DispatcherOptions;
  // Update ids in memory: waiting in a chat's queue or running.
  readonly #loaded = new Set<number>();
  // Failed: left stored for the next start, not taken again by this one.
  readonly #deferred = new Set<number>();
  // A chat is here while its queue is being worked through.
  readonly #chats = new Map<string, Update[]>();
  readonly #work = new Set<Promise<void>>();
  #roomWaiters: (() => void)[] = [];
  readonly #handledWaiters = new Map<number, (() => void)[]>();
  #closed = false;
  // One read of the table at a time; a pump asked for meanwhile reads
  // again when it ends.
  #pumping: Promise<void> | undefined;
  #pumpAgain = false;

  constructor(options: DispatcherOptions) {
    this.#o = options;
  }

  /** Updates in memory now. */
  get size(): number {
    return this.#loaded.size;
  }

  /**
   * Takes a just-stored update: an urgent one at once, any other in its
   * turn from the table.
   */
  offer(update: Update): void {
    if (this.#closed) return;
    // Over the bound, but not without one: twice the bound at most.
    if (
      urgent(update) && !this.#loaded.has(update.update_id) &&
      this.#loaded.size < 2 * this.#o.limit
    ) {
      this.#admit(update);
    }
    this.pump();
  }

  /** Takes stored updates from the table while there is room. */
  pump(): void {
    if (this.#closed) return;
    if (this.#pumping !== undefined) {
      this.#pumpAgain = true;
      return;
    }
    const pumping = this.#load().finally(() => {
      this.#pumping = undefined;
      // Asked for after the last read's check: read once more.
      if (this.#pumpAgain) this.pump();
    });
    this.#pumping = pumping;
    this.#track(pumping);
  }

  /** Resolves when the stored updates asked for so far are taken in. */
  async loaded(): Promise<void> {
    // Bounded: a read of the table ends; few follow one another.
    for (let round = 0; round < 1000 && this.#pumping; round++) {
      await this.#pumping;
    }
  }

  async #load(): Promise<void> {
    // Bounded: each round follows a pump() asked for during the one before.
    for (let round = 0; round < 1000; round++) {
      this.#pumpAgain = false;
      const free = this.#o.limit - this.#loaded.size;
      if (this.#closed || free <= 0) return;
      const skip = new Set([...this.#loaded, ...this.#deferred]);
      let updates: Update[];
      try {
        updates = await this.#o.inbox.pending(free, skip);
      } catch (error) {
        // Tried again when the next update arrives or one ends.
        this.#o.log.error("cannot read stored updates", { error });
        return;
      }
      for (const update of updates) {
        // Taken in by offer() (urgent) while the table was read.
        const id = update.update_id;
        if (this.#loaded.has(id) || this.#deferred.has(id)) continue;
        if (!this.#closed) this.#admit(update);
      }
      if (!this.#pumpAgain) return;
    }
  }

  /**
   * Resolves once the stored update `updateId` is not waiting any more:
   * handled, left for the next start, or never stored (tests).
   */
  async handled(updateId: number): Promise<void> {
    if (
      !this.#loaded.has(updateId) &&
      (this.#closed || this.#deferred.has(updateId))
    ) {
      return;
    }
    // Waiting before the table is asked: an update handled meanwhile
    // resolves it, one not stored resolves it below.
    const handled = new Promise<void>((resolve) => {
      const waiters = this.#handledWaiters.get(updateId) ?? [];
      waiters.push(resolve);
      this.#handledWaiters.set(updateId, waiters);
    });
    if (this.#loaded.has(updateId)) return await handled;
    const pending = await this.#o.inbox.isPending(updateId).catch(() => false);
    if (!pending) this.#resolveHandled(updateId);
    return await handled;
  }

  #resolveHandled(updateId: number): void {
    for (const resolve of this.#handledWaiters.get(updateId) ?? []) resolve();
    this.#handledWaiters.delete(updateId);
  }

  /** Resolves when fewer than `limit` updates are in memory, or closed. */
  room(): Promise<void> {
    if (this.#closed || this.#loaded.size < this.#o.limit) {
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#roomWaiters.push(resolve));
  }

  /**
   * Takes nothing more and resolves when the running handlers (at most one
   * a chat) are done; updates still waiting stay stored for the next start.
   */
  async close(): Promise<void> {
    this.#closed = true;
    this.#wake();
    await Promise.allSettled([...this.#work]);
    for (const waiters of this.#handledWaiters.values()) {
      for (const resolve of waiters) resolve();
    }
    this.#handledWaiters.clear();
  }

  #admit(update: Update): void {
    this.#loaded.add(update.update_id);
    const key = chatKeyOf(update);
    if (key === undefined) {
      this.#track(this.#run(update));
      return;
    }
    const queue = this.#chats.get(key);
    if (queue !== undefined) {
      queue.push(update);
      return;
    }
    const fresh = [update];
    this.#chats.set(key, fresh);
    this.#track(this.#drain(key, fresh));
  }

  async #drain(key: string, queue: Update[]): Promise<void> {
    try {
      // Ends: each turn takes one update off, and a closed dispatcher
      // takes no new ones.
      for (
        let update = queue.shift();
        update !== undefined && !this.#closed;
        update = queue.shift()
      ) {
        await this.#run(update);
      }
    } finally {
      for (const left of queue) this.#loaded.delete(left.update_id);
      this.#chats.delete(key);
    }
  }

  async #run(update: Update): Promise<void> {
    const id = update.update_id;
    try {
      await this.#o.handle(update);
      await this.#o.inbox.done(id);
    } catch (error) {
      this.#deferred.add(id);
      this.#o.log.error("update left for the next start", {
        update: id,
        error,
      });
    } finally {
      this.#loaded.delete(id);
      this.#resolveHandled(id);
      this.#wake();
      this.pump();
    }
  }

  #track(work: Promise<void>): void {
    this.#work.add(work);
    const done = () => {
      this.#work.delete(work);
    };
    work.then(done, (error) => {
      done();
      this.#o.log.error("the update queue failed", { error });
    });
  }

  #wake(): void {
    if (!this.#closed && this.#loaded.size >= this.#o.limit) return;
    const waiters = this.#roomWaiters;
    this.#roomWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

import { type Api, GrammyError } from "grammy";
import type { Clock } from "../clock.ts";
import { asLocale, messages } from "../i18n/mod.ts";
import type { Ledger } from "../ledger/mod.ts";
import type { Logger } from "../log.ts";
import type { Broadcast, BroadcastCounts, BroadcastStore } from "./store.ts";

/** What {@link Broadcaster} works with. */
export interface BroadcasterOptions {
  readonly store: BroadcastStore;
  readonly api: Api;
  /** For the admin's language. */
  readonly ledger: Ledger;
  readonly clock: Clock;
  readonly log: Logger;
  /** Copies in flight at once; the API throttle keeps the real pace. */
  readonly concurrency?: number;
  /** Least time between two edits of the progress line. */
  readonly progressIntervalMs: number;
}

/**
 * Sends broadcasts: copies the admin's message to each pending recipient
 * (`copyMessage`, through the same throttle as every other call), records
 * each outcome, edits a progress line, and reports the final counts. After
 * a restart {@link Broadcaster.resume} carries on from the delivery rows.
 */
export class Broadcaster {
  readonly #o: BroadcasterOptions;
  readonly #loops = new Map<number, Promise<void>>();
  #stopping = false;

  constructor(options: BroadcasterOptions) {
    this.#o = options;
  }

  /** Starts (or keeps running) the broadcast with `id`. */
  start(id: number): void {
    if (this.#stopping || this.#loops.has(id)) return;
    const loop = this.#run(id).catch((error) =>
      this.#o.log.error("broadcast stopped by an error", { id, error })
    ).finally(() => this.#loops.delete(id));
    this.#loops.set(id, loop);
  }

  /** Resumes every unfinished broadcast; returns how many. */
  async resume(): Promise<number> {
    const running = await this.#o.store.running();
    for (const broadcast of running) {
      const lost = await this.#o.store.abandonSending(broadcast.id);
      if (lost > 0) {
        this.#o.log.warn(
          "broadcast rows interrupted mid-send count as failed",
          {
            id: broadcast.id,
            lost,
          },
        );
      }
      this.start(broadcast.id);
    }
    return running.length;
  }

  /** Stops taking new recipients and waits for the copies in flight. */
  async stop(): Promise<void> {
    this.#stopping = true;
    await Promise.all(this.#loops.values());
  }

  async #run(id: number): Promise<void> {
    const { store, clock } = this.#o;
    const broadcast = await store.get(id);
    if (broadcast === undefined || broadcast.state === "done") return;
    let shownAt = 0;
    while (!this.#stopping) {
      const users = await store.claim(id, this.#o.concurrency ?? 8);
      if (users.length === 0) break;
      await Promise.all(users.map((user) => this.#deliver(broadcast, user)));
      if (clock.now() - shownAt >= this.#o.progressIntervalMs) {
        shownAt = clock.now();
        await this.#show(broadcast, await store.counts(id), false);
      }
    }
    if (this.#stopping) return;
    if (!(await store.finish(id))) return;
    const counts = await store.counts(id);
    this.#o.log.info("broadcast finished", { id, ...counts });
    await this.#show(broadcast, counts, true);
  }

  async #deliver(broadcast: Broadcast, userId: number): Promise<void> {
    const { store, api, log } = this.#o;
    try {
      await api.copyMessage(userId, broadcast.fromChatId, broadcast.messageId);
      await store.settle(broadcast.id, userId, "sent");
    } catch (error) {
      const blocked = error instanceof GrammyError && error.error_code === 403;
      await store.settle(broadcast.id, userId, blocked ? "blocked" : "failed");
      if (!blocked) log.warn("broadcast copy failed", { userId, error });
    }
  }

  // Edits the admin's progress line; the last one is also sent anew so
  // that the admin gets a notification with the final counts.
  async #show(
    broadcast: Broadcast,
    counts: BroadcastCounts,
    final: boolean,
  ): Promise<void> {
    const { api, ledger, store } = this.#o;
    const admin = await ledger.account(broadcast.adminId);
    const t = messages(asLocale(admin?.language))
      .admin.money;
    const text = final ? t.broadcastDone(counts) : t.broadcastProgress({
      ...counts,
      done: counts.total - counts.pending,
    });
    const messageId = (await store.get(broadcast.id))?.progressMessageId;
    if (messageId !== undefined) {
      await api.editMessageText(broadcast.adminId, messageId, text)
        .catch(() => {});
    }
    if (final) {
      await api.sendMessage(broadcast.adminId, text).catch((error) =>
        this.#o.log.warn("cannot report a broadcast", { error })
      );
    }
  }
}

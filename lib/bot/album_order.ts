/**
 * An album as one order: the confirmation (how many photos, the settings,
 * the total and the balance after) and, on ✅, its photos started in order
 * as ordinary jobs. Nothing is held before ✅; each photo then holds its
 * own price, so a photo that fails is refunded alone. Past
 * MAX_ACTIVE_JOBS_PER_USER the photos wait in the queue.
 *
 * @module
 */

import { type Api, InlineKeyboard } from "grammy";
import type { Album } from "../albums/mod.ts";
import { asLocale, type Locale, messages } from "../i18n/mod.ts";
import type { StartRequest } from "../jobs/mod.ts";
import type { Aspect } from "../media/mod.ts";
import {
  priceOf,
  QUALITIES,
  QUICK_SETTINGS,
  type VideoSettings,
} from "../pricing.ts";
import { cleanPrompt } from "../prompts/mod.ts";
import { randomNonce } from "../wizard/mod.ts";
import type { BotDeps } from "./deps.ts";
import { notEnoughContext, notEnoughReply } from "./money_view.ts";

/** Callback data of the album buttons: `al:<nonce>:ok` / `al:<nonce>:x`. */
export const ALBUM_CALLBACK = /^al:([a-z0-9]{8}):(ok|x)$/;
// Confirmations waiting for a tap, across users; the oldest go first.
const MAX_PENDING = 1000;

/** An album shown for confirmation. */
export interface PendingAlbum {
  readonly album: Album;
  readonly locale: Locale;
  readonly prompt: string | undefined;
}

/** Confirmations in memory (a restart makes their buttons stale). */
export class PendingAlbums {
  readonly #pending = new Map<string, PendingAlbum>();

  /** Remembers an album; returns its nonce. */
  put(pending: PendingAlbum): string {
    const nonce = randomNonce();
    this.#pending.set(nonce, pending);
    if (this.#pending.size > MAX_PENDING) {
      const [oldest] = this.#pending.keys();
      if (oldest !== undefined) this.#pending.delete(oldest);
    }
    return nonce;
  }

  /** Takes the user's album (once: a second tap finds nothing). */
  take(nonce: string, userId: number): PendingAlbum | undefined {
    const pending = this.#pending.get(nonce);
    if (pending?.album.userId !== userId) return undefined;
    this.#pending.delete(nonce);
    return pending;
  }
}

/** Sends the album's one confirmation (or why it cannot be made). */
export async function confirmAlbum(
  api: Api,
  deps: BotDeps,
  options: { album: Album; pending: PendingAlbums },
): Promise<void> {
  const { album } = options;
  const account = await deps.ledger.account(album.userId);
  if (account === undefined) return;
  const locale = asLocale(account.language);
  const t = messages(locale);
  const count = album.photos.length;
  const total = priceOf(QUICK_SETTINGS.duration, deps.tokensPerVideo) * count;
  if (account.tokens < total) {
    const reply = notEnoughReply(
      t,
      { needed: total, balance: account.tokens },
      notEnoughContext(deps),
    );
    await api.sendMessage(album.chatId, reply.text, {
      reply_markup: reply.keyboard,
    });
    return;
  }
  const prompt = album.photos.map((p) => cleanPrompt(p.caption)).find((p) =>
    p !== undefined
  );
  const nonce = options.pending.put({ album, locale, prompt });
  const text = t.features.albumConfirm({
    count,
    duration: QUICK_SETTINGS.duration,
    quality: t.quality(QUICK_SETTINGS.quality),
    px: QUALITIES[QUICK_SETTINGS.quality],
    total,
    after: account.tokens - total,
  });
  await api.sendMessage(album.chatId, text, {
    reply_markup: InlineKeyboard.from([
      [InlineKeyboard.text(t.features.albumGo({ count }), `al:${nonce}:ok`)],
      [InlineKeyboard.text(t.buttons.cancel, `al:${nonce}:x`)],
    ]),
  });
}

/** What {@link startPhotos} starts: photos with one set of settings. */
export interface PhotoBatch {
  readonly userId: number;
  readonly chatId: number;
  readonly locale: Locale;
  readonly photos: readonly { fileId: string; updateId?: number }[];
  readonly mode: StartRequest["mode"];
  readonly settings: VideoSettings;
  readonly prompt: string | undefined;
  readonly aspect?: Aspect | undefined;
}

/** Starts an album's photos in order; returns how many started. */
export async function startAlbum(
  api: Api,
  deps: BotDeps,
  pending: PendingAlbum,
): Promise<number> {
  const { album, locale, prompt } = pending;
  return await startPhotos(api, deps, {
    userId: album.userId,
    chatId: album.chatId,
    locale,
    photos: album.photos,
    mode: "quick",
    settings: QUICK_SETTINGS,
    prompt,
  });
}

/**
 * Starts photos one after another, each a job holding its own price, so
 * they queue in order (past MAX_ACTIVE_JOBS_PER_USER too); stops with the
 * "not enough tokens" reply when the balance runs out.
 */
export async function startPhotos(
  api: Api,
  deps: BotDeps,
  batch: PhotoBatch,
): Promise<number> {
  let started = 0;
  for (const photo of batch.photos) {
    const outcome = await deps.jobs.start({
      userId: batch.userId,
      chatId: batch.chatId,
      locale: batch.locale,
      fileId: photo.fileId,
      ...(photo.updateId === undefined ? {} : { updateId: photo.updateId }),
      mode: batch.mode,
      settings: batch.settings,
      prompt: batch.prompt,
      aspect: batch.aspect,
      album: true,
    });
    if (outcome.kind === "started") {
      started++;
      await outcome.admitted;
    } else if (outcome.kind === "insufficient") {
      const reply = notEnoughReply(
        messages(batch.locale),
        outcome,
        notEnoughContext(deps),
      );
      await api.sendMessage(batch.chatId, reply.text, {
        reply_markup: reply.keyboard,
      });
      break;
    } else if (outcome.kind === "busy" || outcome.kind === "cooldown") {
      // Already a whole album queued: the rest is not started, and said so.
      const t = messages(batch.locale);
      await api.sendMessage(
        batch.chatId,
        outcome.kind === "busy"
          ? t.busy({ limit: outcome.limit })
          : t.cooldown({ seconds: outcome.seconds }),
      );
      break;
    }
  }
  return started;
}

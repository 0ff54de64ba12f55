/**
 * Photos sent as an album (one `media_group_id`) arrive as separate
 * updates. The collector gathers them per user and album until none came
 * for {@link ALBUM_WINDOW_MS}, then hands the whole album over once.
 * Nothing is held or stored meanwhile; at most {@link MAX_ALBUM_PHOTOS}
 * photos are kept (Telegram's own album limit).
 *
 * @module
 */

import type { Clock } from "../clock.ts";

/** Quiet time after an album's last photo before it is complete. */
export const ALBUM_WINDOW_MS = 1200;
/** Photos in one album, as Telegram allows. */
export const MAX_ALBUM_PHOTOS = 10;
// Albums being collected at once, across users: a bound against floods.
const MAX_OPEN_ALBUMS = 1000;

/** One photo of an album. */
export interface AlbumPhoto {
  readonly fileId: string;
  readonly updateId: number;
  readonly messageId: number;
  readonly caption?: string | undefined;
}

/** A complete album. */
export interface Album {
  readonly userId: number;
  readonly chatId: number;
  readonly photos: readonly AlbumPhoto[];
}

interface Open {
  readonly album: { userId: number; chatId: number; photos: AlbumPhoto[] };
  timer: AbortController;
}

/** Gathers album photos (see the module doc). */
export class AlbumCollector {
  readonly #open = new Map<string, Open>();
  readonly #clock: Clock;
  readonly #onAlbum: (album: Album) => Promise<void>;
  readonly #windowMs: number;

  constructor(
    clock: Clock,
    onAlbum: (album: Album) => Promise<void>,
    windowMs = ALBUM_WINDOW_MS,
  ) {
    this.#clock = clock;
    this.#onAlbum = onAlbum;
    this.#windowMs = windowMs;
  }

  /** Adds a photo; the album is handed over once it is quiet. */
  add(
    key: { userId: number; chatId: number; groupId: string },
    photo: AlbumPhoto,
  ): void {
    const id = `${key.userId}:${key.groupId}`;
    let open = this.#open.get(id);
    if (open === undefined) {
      if (this.#open.size >= MAX_OPEN_ALBUMS) return;
      open = {
        album: { userId: key.userId, chatId: key.chatId, photos: [] },
        timer: new AbortController(),
      };
      this.#open.set(id, open);
    }
    const photos = open.album.photos;
    if (photos.length >= MAX_ALBUM_PHOTOS) return;
    if (photos.some((p) => p.updateId === photo.updateId)) return;
    photos.push(photo);
    open.timer.abort();
    open.timer = new AbortController();
    this.#flushLater(id, open, open.timer.signal);
  }

  /** Drops albums not complete yet (shutdown). */
  close(): void {
    for (const open of this.#open.values()) open.timer.abort();
    this.#open.clear();
  }

  #flushLater(id: string, open: Open, signal: AbortSignal): void {
    this.#clock.sleep(this.#windowMs, signal).then(
      () => {
        if (this.#open.get(id) !== open) return;
        this.#open.delete(id);
        // In the order Telegram numbered them, whatever order they came in.
        const photos = [...open.album.photos].sort((a, b) =>
          a.messageId - b.messageId
        );
        return this.#onAlbum({ ...open.album, photos });
      },
      () => {}, // re-armed by a later photo, or closed
    ).catch(() => {}); // onAlbum reports its own failures
  }
}

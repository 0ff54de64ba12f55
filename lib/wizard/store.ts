import type { SqlRunner } from "../db/reader.ts";
import type { SQLOutputValue } from "node:sqlite";
import { parseAspect } from "../media/mod.ts";
import type { Clock } from "../clock.ts";
import { parseDuration, parseQuality } from "../pricing.ts";
import {
  WIZARD_STEPS,
  type WizardAlbum,
  type WizardDraft,
  type WizardState,
} from "./steps.ts";

/** How long an untouched wizard stays open (a day). */
export const WIZARD_TTL_MS = 24 * 60 * 60 * 1000;

/** Options of {@link WizardStore}. */
export interface WizardStoreOptions {
  readonly clock: Clock;
  /** Idle time after which a wizard is forgotten (default a day). */
  readonly ttlMs?: number;
  /** Makes nonces (tests pin it). */
  readonly nonce?: () => string;
}

const NONCE_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/** Eight random characters of [a-z0-9]: about 41 bits, never reused in practice. */
export function randomNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  // 256 % 36 skews a few letters slightly; a nonce only has to differ.
  return Array.from(bytes, (b) => NONCE_ALPHABET[b % 36]).join("");
}

type Row = Record<string, SQLOutputValue>;

// The stored album (JSON written by this module; anything else: none).
function albumOf(value: SQLOutputValue | undefined): { album?: WizardAlbum } {
  if (typeof value !== "string") return {};
  try {
    const album = JSON.parse(value);
    const ok = typeof album?.groupId === "string" &&
      Array.isArray(album.fileIds) &&
      album.fileIds.every((f: unknown) => typeof f === "string");
    return ok
      ? { album: { groupId: album.groupId, fileIds: album.fileIds } }
      : {};
  } catch {
    return {};
  }
}

export function toState(row: Row, updatedAt: number): WizardState | undefined {
  const step = WIZARD_STEPS.find((s) => s === row.step);
  if (step === undefined) return undefined;
  return {
    userId: Number(row.user_id),
    step,
    fileId: row.file_id === null ? undefined : String(row.file_id),
    duration: row.duration === null
      ? undefined
      : parseDuration(Number(row.duration)),
    quality: row.quality === null ? undefined : parseQuality(row.quality),
    messageId: row.message_id === null ? undefined : Number(row.message_id),
    ...(row.prompt === null || row.prompt === undefined
      ? {}
      : { prompt: String(row.prompt) }),
    ...(parseAspect(row.aspect) ? { aspect: parseAspect(row.aspect) } : {}),
    ...albumOf(row.album),
    nonce: String(row.nonce),
    updatedAt,
  };
}

/**
 * Each user's open wizard, in the `wizard` table, so a restart mid-way
 * loses nothing. Changes are compare-and-swap on the nonce: a change made
 * from an outdated screen never lands.
 */
export class WizardStore {
  readonly #db: SqlRunner;
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #nonce: () => string;

  /** Binds the store to an open, migrated database. */
  constructor(db: SqlRunner, options: WizardStoreOptions) {
    this.#db = db;
    this.#clock = options.clock;
    this.#ttlMs = options.ttlMs ?? WIZARD_TTL_MS;
    this.#nonce = options.nonce ?? randomNonce;
  }

  /** The user's open wizard; an expired or unreadable one is removed. */
  async get(userId: number): Promise<WizardState | undefined> {
    const [row] = await this.#db.all(
      "SELECT * FROM wizard WHERE user_id = ?",
      [userId],
    );
    if (row === undefined) return undefined;
    const updatedAt = Date.parse(String(row.updated_at));
    const state = toState(row, updatedAt);
    const expired = !(this.#clock.now() - updatedAt < this.#ttlMs);
    if (state === undefined || expired) {
      await this.clear(userId);
      return undefined;
    }
    return state;
  }

  /**
   * Stores `draft` with a new nonce. With `expectedNonce`, only if the
   * stored wizard still has it (else undefined: the screen was outdated);
   * without, it replaces whatever wizard the user had.
   */
  async put(
    draft: WizardDraft,
    expectedNonce?: string,
  ): Promise<WizardState | undefined> {
    const now = this.#clock.now();
    const nonce = this.#nonce();
    const values = [
      draft.step,
      draft.fileId ?? null,
      draft.duration ?? null,
      draft.quality ?? null,
      draft.messageId ?? null,
      nonce,
      new Date(now).toISOString(),
      draft.prompt ?? null,
      draft.aspect ?? null,
      draft.album ? JSON.stringify(draft.album) : null,
    ] as const;
    const changes = expectedNonce === undefined
      ? await this.#db.run(
        `INSERT INTO wizard (user_id, step, file_id, duration, quality,
           message_id, nonce, updated_at, prompt, aspect, album)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (user_id) DO UPDATE SET step = excluded.step,
           file_id = excluded.file_id, duration = excluded.duration,
           quality = excluded.quality, message_id = excluded.message_id,
           nonce = excluded.nonce, updated_at = excluded.updated_at,
           prompt = excluded.prompt, aspect = excluded.aspect,
           album = excluded.album`,
        [draft.userId, ...values],
      )
      : await this.#db.run(
        `UPDATE wizard SET step = ?, file_id = ?, duration = ?, quality = ?,
           message_id = ?, nonce = ?, updated_at = ?, prompt = ?, aspect = ?,
           album = ?
         WHERE user_id = ? AND nonce = ?`,
        [...values, draft.userId, expectedNonce],
      );
    if (changes === 0) return undefined;
    return { ...draft, nonce, updatedAt: now };
  }

  /** Records the album's photos so far (same nonce only). */
  async setAlbum(
    userId: number,
    nonce: string,
    album: WizardAlbum,
  ): Promise<void> {
    await this.#db.run(
      "UPDATE wizard SET album = ? WHERE user_id = ? AND nonce = ?",
      [JSON.stringify(album), userId, nonce],
    );
  }

  /** Records which message now shows the wizard (same nonce only). */
  async setMessage(
    userId: number,
    nonce: string,
    messageId: number,
  ): Promise<void> {
    await this.#db.run(
      "UPDATE wizard SET message_id = ? WHERE user_id = ? AND nonce = ?",
      [messageId, userId, nonce],
    );
  }

  /**
   * Removes the wizard if it still has `nonce`; true for exactly one caller,
   * so one confirmation can start only one job.
   */
  async take(userId: number, nonce: string): Promise<boolean> {
    const changes = await this.#db.run(
      "DELETE FROM wizard WHERE user_id = ? AND nonce = ?",
      [userId, nonce],
    );
    return changes > 0;
  }

  /** Forgets the user's wizard, if any. */
  async clear(userId: number): Promise<void> {
    await this.#db.run("DELETE FROM wizard WHERE user_id = ?", [userId]);
  }
}

/**
 * What a refused file costs its sender: after a file that is no usable
 * image the user's next photo is not looked at for a while (30 s, doubling
 * with every refusal in a row, up to an hour), so sending 20 MB files
 * that only claim to be images cannot be repeated for free.
 *
 * @module
 */

import { PhotoDownloadError } from "../telegram/mod.ts";
import { JobError } from "./errors.ts";

/** The first wait after a refusal. */
export const COOLDOWN_BASE_MS = 30_000;
/** The longest wait. */
export const COOLDOWN_MAX_MS = 3_600_000;
// Users remembered at once; the longest-quiet are forgotten beyond this.
const MAX_USERS = 100_000;

interface Refusals {
  /** Refusals in a row. */
  count: number;
  /** Until when the user's photos are not looked at. */
  until: number;
  /** Whether the user was told of this wait already. */
  told: boolean;
}

/** A wait in force: how long, and whether to say so (once per wait). */
export interface Wait {
  readonly seconds: number;
  readonly tell: boolean;
}

/** Whether a refusal was the sender's doing (not Telegram's, not ours). */
export function sendersFault(error: unknown): boolean {
  if (!(error instanceof JobError)) return false;
  if (["not_image", "too_small", "too_large"].includes(error.reason)) {
    return true;
  }
  return error.cause instanceof PhotoDownloadError &&
    error.cause.kind === "too_big";
}

/** Refusals per user, in memory (a restart forgives). */
export class RefusalCooldown {
  readonly #users = new Map<number, Refusals>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  /** The wait in force for `userId`, if any. */
  wait(userId: number): Wait | undefined {
    const entry = this.#users.get(userId);
    const left = entry === undefined ? 0 : entry.until - this.#now();
    if (entry === undefined || left <= 0) return undefined;
    const tell = !entry.told;
    entry.told = true;
    return { seconds: Math.ceil(left / 1000), tell };
  }

  /** Counts a refused file; the next wait is twice the last. */
  refused(userId: number): void {
    const count = (this.#users.get(userId)?.count ?? 0) + 1;
    const ms = Math.min(COOLDOWN_MAX_MS, COOLDOWN_BASE_MS * 2 ** (count - 1));
    this.#users.delete(userId);
    this.#users.set(userId, { count, until: this.#now() + ms, told: false });
    if (this.#users.size > MAX_USERS) {
      const [oldest] = this.#users.keys();
      if (oldest !== undefined) this.#users.delete(oldest);
    }
  }

  /** A good photo: the count starts again. */
  accepted(userId: number): void {
    this.#users.delete(userId);
  }
}

/**
 * One-time dashboard links already opened, kept until they would have
 * expired anyway. In SQLite, so that a restart does not make a used link
 * usable again.
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";
import { settled } from "../db/mod.ts";

/** Remembers which links were opened. */
export interface UsedLinks {
  /**
   * Marks `nonce` as used until `expiresAt`; false when it was already.
   * Forgets the links expired at `now`.
   */
  claim(nonce: string, expiresAt: number, now: number): Promise<boolean>;
}

/** The `dashboard_links` table (schema version 2). */
export function sqliteUsedLinks(db: DatabaseSync): UsedLinks {
  const forget = db.prepare(
    "DELETE FROM dashboard_links WHERE expires_at <= ?",
  );
  const insert = db.prepare(
    "INSERT OR IGNORE INTO dashboard_links (nonce, expires_at) VALUES (?, ?)",
  );
  return {
    claim(nonce, expiresAt, now) {
      // One statement after the other, nothing between: no transaction
      // needed, and the insert alone decides who claimed the nonce.
      return settled(() => {
        forget.run(now);
        return Number(insert.run(nonce, expiresAt).changes) === 1;
      });
    },
  };
}

/** In memory only: for tests, where no restart happens. */
export function memoryUsedLinks(): UsedLinks {
  const used = new Map<string, number>();
  return {
    claim(nonce, expiresAt, now) {
      for (const [key, expires] of used) {
        if (expires <= now) used.delete(key);
      }
      if (used.has(nonce)) return Promise.resolve(false);
      used.set(nonce, expiresAt);
      return Promise.resolve(true);
    },
  };
}

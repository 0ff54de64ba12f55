/**
 * One-time dashboard links already opened, kept until they would have
 * expired anyway. In SQLite, so that a restart does not make a used link
 * usable again.
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";
import { sqliteReader, type SqlRunner } from "../db/reader.ts";

/** Remembers which links were opened. */
export interface UsedLinks {
  /**
   * Marks `nonce` as used until `expiresAt`; false when it was already.
   * Forgets the links expired at `now`.
   */
  claim(nonce: string, expiresAt: number, now: number): Promise<boolean>;
}

/** The `dashboard_links` table (schema version 2), on either database. */
export function tableUsedLinks(db: SqlRunner): UsedLinks {
  return {
    async claim(nonce, expiresAt, now) {
      // No transaction needed: the insert alone decides who claimed it.
      await db.run("DELETE FROM dashboard_links WHERE expires_at <= ?", [now]);
      const changes = await db.run(
        `INSERT INTO dashboard_links (nonce, expires_at) VALUES (?, ?)
         ON CONFLICT (nonce) DO NOTHING`,
        [nonce, expiresAt],
      );
      return changes === 1;
    },
  };
}

/** The table of an SQLite file. */
export function sqliteUsedLinks(db: DatabaseSync): UsedLinks {
  return tableUsedLinks(sqliteReader(db));
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

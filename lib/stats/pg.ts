import type { Sql } from "postgres";
import type { TextFiles } from "./processing_stats.ts";

/**
 * processing_stats.json in the `processing_stats` table, keyed by the
 * file's name: with PostgreSQL every instance reads and writes the same
 * render-time history. A write replaces the row in one statement.
 */
export function pgTextFiles(sql: Sql): TextFiles {
  const nameOf = (path: string) => path.slice(path.lastIndexOf("/") + 1);
  return {
    async readText(path) {
      const [row] = await sql`SELECT body FROM processing_stats
        WHERE name = ${nameOf(path)}`;
      return row === undefined ? undefined : String(row.body);
    },
    async writeTextAtomic(path, text) {
      await sql`INSERT INTO processing_stats (name, body)
        VALUES (${nameOf(path)}, ${text})
        ON CONFLICT (name) DO UPDATE SET body = excluded.body`;
    },
  };
}

/**
 * The reports' SQL runner (lib/db/reader.ts) on both databases: one query
 * text with `?` placeholders gives the same rows.
 */

import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import postgres from "postgres";
import { PG_OPTIONS } from "../../lib/db/pg/schema.ts";
import { pgReader, sqliteReader, type SqlRunner } from "../../lib/db/reader.ts";
import { freshDatabase, skipPgTests } from "./mod.ts";

// A `?` inside a literal is text, not a placeholder (the dashboard's
// failure causes fall back to '?').
async function placeholders(db: SqlRunner): Promise<void> {
  await db.run("CREATE TABLE t (name TEXT, note TEXT)");
  assert.equal(
    await db.run("INSERT INTO t VALUES (?, 'why?'), (?, '?')", ["a", "b"]),
    2,
  );
  const rows = await db.all(
    `SELECT COALESCE(NULLIF(note, ''), '?') AS note, 'it''s ?' AS quoted
     FROM t WHERE name = ? OR name = ? ORDER BY name`,
    ["a", "b"],
  );
  assert.deepEqual(rows.map((r) => [r.note, r.quoted]), [
    ["why?", "it's ?"],
    ["?", "it's ?"],
  ]);
}

Deno.test("sqliteReader: a ? in a literal is no placeholder", async () => {
  const db = new DatabaseSync(":memory:");
  try {
    await placeholders(sqliteReader(db));
  } finally {
    db.close();
  }
});

Deno.test({
  name: "pgReader: a ? in a literal is no placeholder",
  ignore: skipPgTests(),
  fn: async () => {
    await using db = await freshDatabase();
    const sql = postgres(db.url, { ...PG_OPTIONS, max: 1 });
    try {
      await placeholders(pgReader(sql));
    } finally {
      await sql.end();
    }
  },
});

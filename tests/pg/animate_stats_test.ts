/**
 * `lora-bot animate` predicts from the render times where the bot keeps
 * them: on PostgreSQL the `processing_stats` row, not a file in DATA_DIR.
 */

import assert from "node:assert/strict";
import postgres from "postgres";
import { renderTimes } from "../../lib/commands/animate.ts";
import { migratePg, PG_OPTIONS } from "../../lib/db/pg/schema.ts";
import { silentLogger } from "../../lib/log.ts";
import {
  DEFAULT_PREDICTION_SECONDS,
  pgTextFiles,
} from "../../lib/stats/mod.ts";
import { freshDatabase, skipPgTests } from "./mod.ts";

Deno.test({
  name: "animate reads the render times from PostgreSQL with DATABASE_URL",
  ignore: skipPgTests(),
  fn: async () => {
    await using db = await freshDatabase();
    const sql = postgres(db.url, { ...PG_OPTIONS, max: 1 });
    try {
      await migratePg(sql);
      await pgTextFiles(sql).writeTextAtomic(
        "/anywhere/processing_stats.json",
        JSON.stringify({
          times: [100, 200],
          times_by_settings: { k: [100, 200] },
        }),
      );
    } finally {
      await sql.end();
    }
    const dataDir = await Deno.makeTempDir({ prefix: "lora-animate-" });
    try {
      const stats = await renderTimes(
        { dataDir, databaseUrl: db.url },
        silentLogger,
      );
      assert.equal(stats.predictSeconds("k"), 150);
    } finally {
      await Deno.remove(dataDir, { recursive: true });
    }
  },
});

Deno.test("animate predicts the default when PostgreSQL cannot be read", async () => {
  const stats = await renderTimes({
    dataDir: "/nonexistent",
    // Nothing listens on port 1: refused at once.
    databaseUrl: "postgres://lora:pw@127.0.0.1:1/lora",
  }, silentLogger);
  assert.equal(stats.predictSeconds("k"), DEFAULT_PREDICTION_SECONDS);
});

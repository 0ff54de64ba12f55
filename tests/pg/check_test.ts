/**
 * `lora-bot check` with DATABASE_URL: PostgreSQL reachable and 14 or
 * later, said on one line that names the server, never the password.
 */

import assert from "node:assert/strict";
import type { Sql } from "postgres";
import { runCheck } from "../../lib/commands/check.ts";
import { loadConfig } from "../../lib/config/mod.ts";
import {
  PgVersionError,
  requireServerVersion,
} from "../../lib/db/pg/version.ts";
import { freshDatabase, skipPgTests } from "./mod.ts";

// Telegram and ComfyUI on a port nothing listens on: refused at once; only
// the database's line is looked at here.
async function check(databaseUrl: string): Promise<string[]> {
  const config = loadConfig({
    BOT_TOKEN: "123456:check-token-0123456789abcdefghijklmnop",
    TELEGRAM_API_ROOT: "http://127.0.0.1:1",
    COMFYUI_URL: "http://127.0.0.1:1",
    DATA_DIR: await Deno.makeTempDir({ prefix: "lora-check-" }),
    DATABASE_URL: databaseUrl,
  });
  const lines: string[] = [];
  try {
    await runCheck(config, { print: (line) => lines.push(line) });
  } finally {
    await Deno.remove(config.dataDir, { recursive: true });
  }
  return lines.filter((line) => line.includes("DATABASE_URL"));
}

Deno.test({
  name: "check: PostgreSQL reachable, its version, no password",
  ignore: skipPgTests(),
  fn: async () => {
    await using db = await freshDatabase();
    const url = new URL(db.url);
    url.username = "no_such_role";
    url.password = "check-s3cret";
    // A refused login fails the line, which still names no password.
    const [refused] = await check(url.href);
    assert.match(refused ?? "", /^FAIL DATABASE_URL 127\.0\.0\.1:\d+\/t_/);
    assert.ok(!refused?.includes("check-s3cret"), refused);
    const [line] = await check(db.url);
    assert.match(
      line ?? "",
      /^ok {3}DATABASE_URL 127\.0\.0\.1:\d+\/t_\S+: PostgreSQL 1[4-9]/,
    );
  },
});

Deno.test("check: an unreachable PostgreSQL is a FAIL line", async () => {
  const lines = await check("postgres://lora:pw-s3cret@127.0.0.1:1/lora");
  assert.equal(lines.length, 1);
  assert.match(lines[0] ?? "", /^FAIL DATABASE_URL 127\.0\.0\.1:1\/lora: /);
  assert.ok(!lines[0]?.includes("pw-s3cret"));
});

Deno.test("a server older than 14 is refused with a PgVersionError", async () => {
  const answer = (num: string, text: string) =>
    (() => Promise.resolve([{ num, text }])) as unknown as Sql;
  await assert.rejects(
    requireServerVersion(answer("130004", "13.4")),
    (error) => error instanceof PgVersionError && error.version === "13.4",
  );
  assert.equal(
    await requireServerVersion(answer("140000", "14.0")),
    "14.0",
  );
});

/**
 * `lora-bot backup <file>`: a consistent copy of the live database, taken
 * while the bot runs; it refuses to replace a file unless told to.
 */

import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { SAMPLE_JPEG } from "../fixtures/media.ts";
import { sqliteFileOnly } from "../stores.ts";
import { startHarness } from "./harness.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

async function lorabot(
  args: string[],
  dataDir: string,
  env: Record<string, string> = {},
) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      MAIN,
      ...args,
    ],
    env: { NO_COLOR: "1", DATA_DIR: dataDir, ...env },
    clearEnv: true,
    stdin: "null",
  }).output();
  return { code: output.code, stderr: new TextDecoder().decode(output.stderr) };
}

function balances(path: string): unknown[] {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return db.prepare(
      "SELECT user_id, tokens, held, spent FROM balances ORDER BY user_id",
    ).all().map((row) => ({ ...row }));
  } finally {
    db.close();
  }
}

// `backup` copies the SQLite file; PostgreSQL has its own tools.
Deno.test(
  "backup copies the live database; the copy verifies; no silent overwrite",
  { ignore: sqliteFileOnly() },
  async () => {
    await using h = await startHarness();
    const user = h.telegram.user(901, {
      first_name: "Yan",
      language_code: "en",
    });
    h.telegram.sendPhoto(user, SAMPLE_JPEG);
    await h.telegram.waitForCall("sendVideo");
    await h.app.runner.idle();
    const copyDir = await Deno.makeTempDir({ prefix: "lora-backup-" });
    try {
      const target = `${copyDir}/balances.db`;
      const first = await lorabot(["backup", target], h.dataDir);
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stderr, /backup: wrote .*balances\.db/);
      assert.deepEqual(balances(target), balances(`${h.dataDir}/balances.db`));
      assert.deepEqual(balances(target), [
        { user_id: 901, tokens: 90, held: 0, spent: 10 },
      ]);
      const verify = await lorabot(["verify"], copyDir);
      assert.equal(verify.code, 0, verify.stderr);
      assert.match(verify.stderr, /verify: all rules hold/);

      const before = await Deno.readFile(target);
      const again = await lorabot(["backup", target], h.dataDir);
      assert.equal(again.code, 1);
      assert.match(again.stderr, /exists; add --force/);
      assert.deepEqual(await Deno.readFile(target), before);
      const forced = await lorabot(["backup", target, "--force"], h.dataDir);
      assert.equal(forced.code, 0, forced.stderr);
      const usage = await lorabot(["backup"], h.dataDir);
      assert.equal(usage.code, 2);
      const left = (await Array.fromAsync(Deno.readDir(copyDir)))
        .map((e) => e.name).filter((name) => name.includes("partial"));
      assert.deepEqual(left, [], "no partial file left");
    } finally {
      await Deno.remove(copyDir, { recursive: true });
    }
  },
);

Deno.test("backup with DATABASE_URL copies no stale SQLite file", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "lora-backup-" });
  try {
    // What `migrate --to postgres` leaves behind: the old ledger.
    new DatabaseSync(`${dataDir}/balances.db`).close();
    const target = `${dataDir}/copy.db`;
    const run = await lorabot(["backup", target], dataDir, {
      DATABASE_URL: "postgres://lora@127.0.0.1:1/lora",
    });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /runs on PostgreSQL \(DATABASE_URL\).*pg_dump/);
    await assert.rejects(Deno.stat(target), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

/**
 * `lora-bot migrate`: an SQLite ledger with users, jobs, a payment and a
 * referral goes to PostgreSQL and back; verify passes on both sides, the
 * balances and the journal match, a second run changes nothing, and a
 * target holding other data is refused. Needs TEST_DATABASE_URL.
 */

import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { openStore } from "../../lib/app/store.ts";
import { migrateCommand } from "../../lib/commands/migrate.ts";
import { loadConfig } from "../../lib/config/mod.ts";
import { silentLogger } from "../../lib/log.ts";
import { freshDatabase, skipPgTests } from "../pg/mod.ts";

const clock = { now: () => Date.now(), sleep: () => Promise.resolve() };

// A ledger with every kind of row the issue names.
async function seed(dataDir: string, users: number[]): Promise<void> {
  const store = await openStore(dataDir, {
    clock,
    log: silentLogger,
    defaultTokens: 100,
    referralBonus: 7,
  });
  try {
    for (const id of users) await store.ledger.ensureUser({ id });
    const [a = 1, b = 2] = users;
    assert.equal(await store.referrals.register(a, b), "recorded");
    const job = (n: number, userId: number) => ({
      id: `telegram_${userId}_${n}`,
      userId,
      chatId: userId,
      mode: "quick" as const,
      duration: 10 as const,
      quality: "medium" as const,
      cost: 10,
      fileId: "f",
      locale: "ru",
    });
    const done = await store.jobs.create(job(1, b));
    await store.jobs.advance(done.id, "delivering");
    await store.jobs.complete(done.id, { renderSeconds: 3 });
    await store.jobs.fail((await store.jobs.create(job(2, a))).id, "down");
    await store.jobs.create(job(3, a));
    await store.payments.credit("charge-1", {
      userId: a,
      tokens: 50,
      stars: 25,
      raw: "p",
    } as never);
  } finally {
    await store.close();
  }
}

async function run(dataDir: string, url: string, to: string) {
  const lines: string[] = [];
  const config = loadConfig({ DATA_DIR: dataDir, DATABASE_URL: url }, false);
  const code = await migrateCommand(
    config,
    ["--to", to],
    (line) => lines.push(line),
  );
  return { code, text: lines.join("\n") };
}

function journal(path: string): unknown[] {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return db.prepare(
      `SELECT user_id, kind, amount, held_delta, tokens_after, held_after,
         job_id, idem_key, note FROM journal ORDER BY id`,
    ).all();
  } finally {
    db.close();
  }
}

Deno.test({
  name: "migrate copies a ledger to PostgreSQL and back, once",
  ignore: skipPgTests(),
  async fn() {
    await using database = await freshDatabase();
    const first = await Deno.makeTempDir({ prefix: "lora-migrate-" });
    const back = await Deno.makeTempDir({ prefix: "lora-migrate-" });
    const other = await Deno.makeTempDir({ prefix: "lora-migrate-" });
    try {
      await seed(first, [11, 12]);
      const to = await run(first, database.url, "postgres");
      assert.equal(to.code, 0, to.text);
      assert.match(to.text, /verify on postgres/);
      assert.match(to.text, /2 balances match/);
      const again = await run(first, database.url, "postgres");
      assert.equal(again.code, 0, again.text);
      assert.match(again.text, /nothing to do/);
      const home = await run(back, database.url, "sqlite");
      assert.equal(home.code, 0, home.text);
      assert.deepEqual(
        journal(`${back}/balances.db`),
        journal(`${first}/balances.db`),
      );
      await seed(other, [21, 22]);
      const refused = await run(other, database.url, "postgres");
      assert.equal(refused.code, 1);
      assert.match(refused.text, /already holds other data; nothing changed/);
    } finally {
      for (const dir of [first, back, other]) {
        await Deno.remove(dir, { recursive: true });
      }
    }
  },
});

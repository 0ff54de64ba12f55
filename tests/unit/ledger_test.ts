import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import type { Clock } from "../../lib/clock.ts";
import { migrate, openDatabase } from "../../lib/db/mod.ts";
import { SyncLedger } from "../../lib/ledger/mod.ts";
import { silentLogger } from "../../lib/log.ts";
import { openStore, type Store } from "../../lib/app/store.ts";

// The SQLite connection of a store opened without DATABASE_URL.
function fileOf(store: Store): DatabaseSync {
  if (store.db === undefined) throw new Error("not an SQLite store");
  return store.db;
}

const clock: Clock = {
  now: () => Date.UTC(2026, 10, 26, 12, 0, 0),
  sleep: () => Promise.resolve(),
};

function replay(db: DatabaseSync, userId: number) {
  const row = db.prepare(
    `SELECT SUM(amount) AS tokens, SUM(held_delta) AS held,
       SUM(CASE WHEN kind = 'capture' THEN -held_delta ELSE 0 END) AS spent
     FROM journal WHERE user_id = ?`,
  ).get(userId);
  return {
    tokens: Number(row?.tokens),
    held: Number(row?.held),
    spent: Number(row?.spent),
  };
}

// The schema documented in the old bot's README, before first_name,
// last_name and videos_created were added by its own migrations.
const OLDEST_SCHEMA = `CREATE TABLE balances (
  user_id INTEGER PRIMARY KEY, tokens INTEGER NOT NULL, username TEXT,
  created_at TIMESTAMP, updated_at TIMESTAMP)`;
const OLD_SCHEMA = `CREATE TABLE balances (
  user_id INTEGER PRIMARY KEY, tokens INTEGER NOT NULL, username TEXT,
  first_name TEXT, last_name TEXT, videos_created INTEGER DEFAULT 0,
  created_at TIMESTAMP, updated_at TIMESTAMP)`;

for (const [name, schema] of [["oldest", OLDEST_SCHEMA], ["old", OLD_SCHEMA]]) {
  Deno.test(`openStore() upgrades the ${name} bot's balances.db in place`, async () => {
    const dir = await Deno.makeTempDir();
    try {
      const old = new DatabaseSync(`${dir}/balances.db`);
      old.exec(schema ?? "");
      const full = schema === OLD_SCHEMA;
      old.prepare(
        full
          ? `INSERT INTO balances VALUES (423721043, 170, 'serge_k', 'Sergey',
             'Zheleznov', 5, '2025-10-21 10:00:00.123456', '2025-10-22 11:00:00')`
          : `INSERT INTO balances VALUES (423721043, 170, 'serge_k',
             '2025-10-21 10:00:00.123456', '2025-10-22 11:00:00')`,
      ).run();
      old.prepare(
        "INSERT INTO balances (user_id, tokens) VALUES (2, 0)",
      ).run();
      old.close();

      const store = await openStore(dir, {
        clock,
        log: silentLogger,
        defaultTokens: 100,
      });
      const account = await store.ledger.account(423721043);
      assert.equal(account?.tokens, 170);
      assert.equal(account?.username, "serge_k");
      assert.equal(account?.firstName, full ? "Sergey" : undefined);
      assert.equal(account?.videosCreated, full ? 5 : 0);
      assert.equal(account?.createdAt, "2025-10-21 10:00:00.123456");
      assert.equal((await store.ledger.account(2))?.tokens, 0);
      // Old users are not greeted as newcomers and keep their balance.
      assert.equal(await store.ledger.markWelcomed(423721043), false);
      assert.deepEqual(replay(fileOf(store), 423721043), {
        tokens: 170,
        held: 0,
        spent: 0,
      });
      // The old README's sqlite3 queries keep working.
      const top = fileOf(store).prepare(
        "SELECT username, tokens FROM balances ORDER BY tokens DESC LIMIT 5",
      ).all();
      assert.deepEqual({ ...top[0] }, { username: "serge_k", tokens: 170 });
      fileOf(store).close();

      const backups = (await Array.fromAsync(Deno.readDir(dir))).filter((e) =>
        e.name.startsWith("balances.db.backup-v0-")
      );
      assert.equal(backups.length, 1);
      const copy = openDatabase(`${dir}/${backups[0]?.name}`);
      assert.equal(
        copy.prepare("SELECT tokens FROM balances WHERE user_id = 423721043")
          .get()?.tokens,
        170,
      );
      copy.close();

      // A second start changes nothing and makes no new backup.
      const again = await openStore(dir, {
        clock,
        log: silentLogger,
        defaultTokens: 100,
      });
      assert.equal((await again.ledger.account(423721043))?.tokens, 170);
      fileOf(again).close();
      assert.equal(
        (await Array.fromAsync(Deno.readDir(dir))).filter((e) =>
          e.name.includes("backup")
        )
          .length,
        1,
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

// Undoes the later versions' changes, leaving a database as an older build did.
const UNDO_V4 = `DROP TABLE bans; DROP TABLE ban_audit;
      DROP TABLE group_settings; ALTER TABLE jobs DROP COLUMN aspect;
      ALTER TABLE jobs DROP COLUMN reply_to; ALTER TABLE jobs DROP COLUMN video_chat;
      ALTER TABLE wizard DROP COLUMN aspect; ALTER TABLE wizard DROP COLUMN album;`;
const DOWNGRADE: Record<number, string> = {
  1: `${UNDO_V4} DROP TABLE dashboard_links; DROP INDEX updates_pending;
      ALTER TABLE updates DROP COLUMN payload;
      ALTER TABLE updates DROP COLUMN attempts;
      ALTER TABLE jobs DROP COLUMN video_message_id; PRAGMA user_version = 1`,
  2: `${UNDO_V4} DROP INDEX updates_pending;
      ALTER TABLE updates DROP COLUMN payload;
      ALTER TABLE updates DROP COLUMN attempts;
      ALTER TABLE jobs DROP COLUMN video_message_id; PRAGMA user_version = 2`,
  3: `${UNDO_V4} PRAGMA user_version = 3`,
};

for (const version of [1, 2, 3]) {
  Deno.test(`openStore() brings a version ${version} database to version 4, after a backup`, async () => {
    const dir = await Deno.makeTempDir({ prefix: "lora-old-" });
    try {
      // A database as the previous build left it, with one account.
      const old = openDatabase(`${dir}/balances.db`);
      migrate(old);
      new SyncLedger(old, { clock, defaultTokens: 40 }).ensureUser({ id: 9 });
      old.exec(DOWNGRADE[version] ?? "");
      old.close();
      const store = await openStore(dir, {
        clock,
        log: silentLogger,
        defaultTokens: 100,
      });
      try {
        assert.equal(
          Number(
            fileOf(store).prepare("PRAGMA user_version").get()?.user_version,
          ),
          4,
        );
        fileOf(store).prepare("SELECT nonce, expires_at FROM dashboard_links")
          .all();
        fileOf(store).prepare("SELECT user_id, banned_by FROM bans").all();
        fileOf(store).prepare("SELECT aspect, reply_to FROM jobs").all();
        fileOf(store).prepare("SELECT payload, attempts FROM updates").all();
        fileOf(store).prepare("SELECT video_message_id FROM jobs").all();
        assert.equal((await store.ledger.account(9))?.tokens, 40);
      } finally {
        fileOf(store).close();
      }
      const names = (await Array.fromAsync(Deno.readDir(dir))).map((e) =>
        e.name
      );
      assert.ok(
        names.some((n) => n.startsWith(`balances.db.backup-v${version}-`)),
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

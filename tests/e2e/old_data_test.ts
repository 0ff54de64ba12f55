/**
 * Switching from the old Python bot: DATA_DIR points at its folder, with
 * its balances.db (the README's schema, or the older one without names and
 * counters) and processing_stats.json (either format). Nothing is lost.
 */

import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { SAMPLE_JPEG } from "../fixtures/media.ts";
import { sqliteFileOnly } from "../stores.ts";
import { startHarness } from "./harness.ts";
import { kinds, lastBot, press, say } from "./helpers.ts";

const ADMIN = 1;
const OLD_USER = 423721043;

// The schema in the old bot's README.
const README_SCHEMA = `CREATE TABLE balances (
  user_id INTEGER PRIMARY KEY, tokens INTEGER NOT NULL, username TEXT,
  first_name TEXT, last_name TEXT, videos_created INTEGER DEFAULT 0,
  created_at TIMESTAMP, updated_at TIMESTAMP)`;
// Before the old bot's own migrations added names and the video counter.
const OLDEST_SCHEMA = `CREATE TABLE balances (
  user_id INTEGER PRIMARY KEY, tokens INTEGER NOT NULL, username TEXT,
  created_at TIMESTAMP, updated_at TIMESTAMP)`;

const NEW_STATS = {
  times: [120.5, 99.3, 103.8, 67.6],
  "times_by_settings": {
    "5_low": [95, 100, 90],
    "10_medium": [180, 175],
  },
};
const OLD_STATS = { "completion_times": [120, 60], "last_updated": "x" };

function writeOldBalances(path: string, full: boolean): void {
  const db = new DatabaseSync(path);
  db.exec(full ? README_SCHEMA : OLDEST_SCHEMA);
  if (full) {
    db.prepare(
      `INSERT INTO balances VALUES (?, 170, 'serge_k', 'Sergey', 'Zheleznov',
         5, '2025-10-21 10:00:00.123456', '2025-10-22 11:00:00')`,
    ).run(OLD_USER);
  } else {
    db.prepare(
      `INSERT INTO balances VALUES (?, 170, 'serge_k',
         '2025-10-21 10:00:00.123456', '2025-10-22 11:00:00')`,
    ).run(OLD_USER);
  }
  db.prepare("INSERT INTO balances (user_id, tokens) VALUES (2, 0)").run();
  db.close();
}

for (
  const [name, full, stats] of [
    ["the README's schema, current stats", true, NEW_STATS],
    ["the oldest schema, completion_times stats", false, OLD_STATS],
  ] as const
) {
  // The old bot's file is read only where the bot runs on SQLite.
  Deno.test(`old DATA_DIR (${name}): balances, names, counters survive`, {
    ignore: sqliteFileOnly(),
  }, async (t) => {
    await using h = await startHarness({
      comfy: { renderMs: 30 },
      env: { ADMIN_USER_IDS: String(ADMIN) },
      prepare: async (dir) => {
        writeOldBalances(`${dir}/balances.db`, full);
        await Deno.writeTextFile(
          `${dir}/processing_stats.json`,
          JSON.stringify(stats),
        );
      },
    });
    const files = (await Array.fromAsync(Deno.readDir(h.dataDir)))
      .map((e) => e.name);
    const user = h.telegram.user(OLD_USER, {
      first_name: "Sergey",
      last_name: "Zheleznov",
      username: "serge_k",
      language_code: "ru",
    });

    await t.step("backups were made before upgrading", () => {
      assert.ok(files.some((f) => f.startsWith("balances.db.backup-v0-")));
      assert.equal(
        files.some((f) => f.startsWith("processing_stats.json.backup-")),
        !full,
        files.join(", "),
      );
    });

    await t.step("admin /users lists the old users as they were", async () => {
      const admin = h.telegram.user(ADMIN, { first_name: "Boss" });
      await say(h, admin, "/users");
      const text = lastBot(h, admin.id).text ?? "";
      const card = text.split("\n\n").find((c) => c.includes(`${OLD_USER}`));
      assert.equal(
        card,
        full
          ? `👤 Sergey Zheleznov\n   ID: ${OLD_USER}\n   @serge_k\n` +
            `   💰 Токенов: 170\n   🎬 Видео: 5\n   📅 С 21.10.2025`
          : `👤 @serge_k\n   ID: ${OLD_USER}\n   @serge_k\n` +
            `   💰 Токенов: 170\n   🎬 Видео: 0\n   📅 С 21.10.2025`,
      );
      assert.match(text, /ID: 2\n {3}💰 Токенов: 0/);
      assert.match(text, /Всего пользователей: 3$/);
    });

    await t.step(
      "the old user's /start: no welcome bonus, old balance",
      async () => {
        await say(h, user, "/start");
        const said = h.telegram.chat(user.id).filter((e) => e.from === "bot");
        assert.equal(said.length, 1, "the menu only");
        assert.match(said[0]?.text ?? "", /Баланс: 170 токенов/);
        assert.deepEqual(await kinds(h, OLD_USER), ["import"]);
        const account = await h.app.ledger.account(OLD_USER);
        assert.equal(account?.firstName, "Sergey", "/start filled the names");
        assert.equal(account?.videosCreated, full ? 5 : 0);
        // A user whose balance was zero is not a newcomer either.
        const broke = h.telegram.user(2, { first_name: "Two" });
        await say(h, broke, "/start");
        assert.match(lastBot(h, 2).text ?? "", /Главное меню.*\n\n.*0 токенов/);
        assert.equal((await h.app.ledger.journal(2)).length, 0);
      },
    );

    await t.step(
      "statistics come from the old processing_stats.json",
      async () => {
        const menu = lastBot(h, user.id).message_id;
        await press(h, user, menu, "📊 Статистика");
        const text = lastBot(h, user.id).text ?? "";
        assert.match(text, new RegExp(`Вы создали: ${full ? 5 : 0} видео`));
        if (full) {
          assert.match(
            text,
            /• 5 сек, низкое: 1 мин 35 сек \(3 шт\.\)\n• 10 сек, среднее: 2 мин 58 сек \(2 шт\.\)\nВ целом: 1 мин 38 сек/,
          );
        } else {
          assert.match(text, /• пока нет данных\nВ целом: 1 мин 30 сек/);
        }
      },
    );

    await t.step("a new video counts on top of the old ones", async () => {
      const after = h.telegram.lastCallId();
      h.telegram.sendPhoto(user, SAMPLE_JPEG);
      await h.telegram.waitForCall("sendVideo", { after });
      await h.app.runner.idle();
      const account = await h.app.ledger.account(OLD_USER);
      assert.equal(account?.tokens, 160);
      assert.equal(account?.videosCreated, full ? 6 : 1);
      const saved = JSON.parse(
        await Deno.readTextFile(`${h.dataDir}/processing_stats.json`),
      );
      assert.equal(saved.times.length, stats === NEW_STATS ? 5 : 3);
      assert.equal(
        saved["times_by_settings"]["10_medium"].length,
        full ? 3 : 1,
      );
      assert.equal(saved["completion_times"], undefined);
    });
  });
}

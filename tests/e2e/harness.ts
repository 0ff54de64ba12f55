/**
 * End-to-end harness: the real app (`startApp`: ledger, job runner, grammY
 * bot, ComfyUI client) against the fake Telegram and fake ComfyUI servers,
 * with a temporary DATA_DIR. Disposing it stops everything and checks that
 * no log line ever contained the bot token.
 */

import assert from "node:assert/strict";
import { type App, startApp } from "../../lib/app/mod.ts";
import { loadConfig } from "../../lib/config/mod.ts";
import postgres from "postgres";
import { freshDatabase, type TestDatabase } from "../pg/mod.ts";
import { migratePg, PG_OPTIONS } from "../../lib/db/pg/schema.ts";
import { pgReader, sqliteReader, type SqlRunner } from "../../lib/db/reader.ts";
import { storeUnderTest } from "../stores.ts";
import { loggerFor } from "../../lib/log.ts";
import { pgTextFiles } from "../../lib/stats/mod.ts";
import { FakeComfy, type FakeComfyOptions } from "../fakes/comfyui/mod.ts";
import { FakeTelegram } from "../fakes/telegram/mod.ts";

/** Options of {@link startHarness}. */
export interface HarnessOptions {
  readonly comfy?: FakeComfyOptions;
  /** Extra environment, as an operator would write it. */
  readonly env?: Record<string, string>;
  /** Fills DATA_DIR before the bot starts (e.g. with the old bot's files). */
  readonly prepare?: (dataDir: string) => Promise<void> | void;
  /** ffmpeg's path; null: run as if it were not installed. */
  readonly ffmpeg?: string | null;
  /** On a fresh PostgreSQL database whatever TEST_STORE says. */
  readonly postgres?: boolean;
  /**
   * processing_stats.json as a running bot left it (learned render
   * times), where the bot reads it: in DATA_DIR on SQLite, its row of the
   * `processing_stats` table on PostgreSQL.
   */
  readonly stats?: string;
}

const STATS_FILE = "processing_stats.json";

/** Runs `use` on a connection of its own to a test database. */
async function withPg<T>(
  database: TestDatabase,
  use: (sql: postgres.Sql) => Promise<T>,
): Promise<T> {
  const sql = postgres(database.url, { ...PG_OPTIONS, max: 1 });
  try {
    return await use(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Saves processing_stats.json where the bot about to start reads it. */
async function writeStats(
  dataDir: string,
  database: TestDatabase | undefined,
  text: string,
): Promise<void> {
  const path = `${dataDir}/${STATS_FILE}`;
  if (database === undefined) return await Deno.writeTextFile(path, text);
  await withPg(database, async (sql) => {
    // The schema the bot would create; it finds it made and keeps the row.
    await migratePg(sql);
    await pgTextFiles(sql).writeTextAtomic(path, text);
  });
}

/** A running bot with its fakes. */
export interface Harness extends AsyncDisposable {
  readonly telegram: FakeTelegram;
  readonly comfy: FakeComfy;
  /** The current app (a new one after {@link Harness.restart}). */
  readonly app: App;
  /** Stops the app as SIGTERM does and starts a new one on the same data. */
  restart(): Promise<App>;
  /**
   * Starts another instance on the same database (a standby while the
   * first one is active), stopped at the end: on PostgreSQL with a data
   * directory of its own, on SQLite in the same one (the same machine).
   */
  startInstance(deps?: { fetch?: typeof fetch }): Promise<App>;
  readonly dataDir: string;
  readonly logs: string[];
  /**
   * SQL on the bot's database, SQLite or PostgreSQL: reads, and the rows a
   * test plants (seeded history, an old error text).
   */
  readonly sql: SqlRunner;
  /** processing_stats.json as saved: in DATA_DIR, or its PostgreSQL row. */
  readStats(): Promise<string>;
}

/** Starts both fakes and the bot. */
export async function startHarness(
  options: HarnessOptions = {},
): Promise<Harness> {
  const telegram = await FakeTelegram.start();
  const comfy = await FakeComfy.start({ renderMs: 20, ...options.comfy });
  const dataDir = await Deno.makeTempDir({ prefix: "lora-e2e-" });
  const logs: string[] = [];
  await options.prepare?.(dataDir);
  // TEST_STORE=postgres: the same test on a fresh PostgreSQL database.
  const database = options.postgres || storeUnderTest() === "postgres"
    ? await freshDatabase()
    : undefined;
  if (options.stats !== undefined) {
    await writeStats(dataDir, database, options.stats);
  }
  const config = loadConfig({
    BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    COMFYUI_URL: comfy.url,
    DATA_DIR: dataDir,
    PROGRESS_INTERVAL: "0.02",
    COMFYUI_HISTORY_INTERVAL: "0.02",
    SHUTDOWN_GRACE: "5",
    // Telegram's real per-chat pace (1 s) would make the suite take minutes;
    // tests/e2e/limits_test.ts checks the throttle at a measurable pace.
    TELEGRAM_CHAT_INTERVAL: "0.001",
    TELEGRAM_RATE: "10000",
    ...(database ? { DATABASE_URL: database.url } : {}),
    ...options.env,
  });
  // The bot's own logger (every configured secret masked), at debug.
  const log = loggerFor(
    { ...config, logLevel: "debug", logFile: undefined },
    (line) => logs.push(line),
  );
  const appDeps = options.ffmpeg !== undefined
    ? { ffmpeg: options.ffmpeg }
    : {};
  let app: App;
  const others: { app: App; dataDir: string }[] = [];
  // One connection for the test's own queries, opened when first asked.
  let pg: postgres.Sql | undefined;
  const runner = (): SqlRunner => {
    if (database === undefined) return sqliteReader(app.db);
    pg ??= postgres(database.url, { ...PG_OPTIONS, max: 1 });
    return pgReader(pg);
  };
  try {
    app = await startApp(config, { log, ...appDeps });
  } catch (error) {
    await comfy.close();
    await telegram.close();
    await Deno.remove(dataDir, { recursive: true });
    await database?.[Symbol.asyncDispose]();
    throw error;
  }
  return {
    telegram,
    comfy,
    get app() {
      return app;
    },
    async restart() {
      await app.stop();
      app = await startApp(config, { log, ...appDeps });
      return app;
    },
    async startInstance(deps = {}) {
      const dir = database === undefined
        ? dataDir
        : await Deno.makeTempDir({ prefix: "lora-e2e-" });
      const other = await startApp({ ...config, dataDir: dir }, {
        log,
        ...appDeps,
        ...deps,
      });
      others.push({ app: other, dataDir: dir });
      return other;
    },
    dataDir,
    logs,
    sql: {
      seq: database ? "seq" : "rowid",
      dialect: database ? "postgres" : "sqlite",
      all: (query, args) => runner().all(query, args),
      run: (query, args) => runner().run(query, args),
    },
    async readStats() {
      const path = `${dataDir}/${STATS_FILE}`;
      if (database === undefined) return await Deno.readTextFile(path);
      return String(
        await withPg(database, (sql) => pgTextFiles(sql).readText(path)),
      );
    },
    async [Symbol.asyncDispose]() {
      try {
        await app.stop();
        for (const other of others) await other.app.stop();
      } finally {
        for (const other of others) {
          if (other.dataDir === dataDir) continue;
          await Deno.remove(other.dataDir, { recursive: true });
        }
        await comfy.close();
        await telegram.close();
        await Deno.remove(dataDir, { recursive: true });
        await pg?.end({ timeout: 5 });
        await database?.[Symbol.asyncDispose]();
      }
      const secret = telegram.token.split(":")[1] ?? telegram.token;
      const leaked = logs.filter((line) => line.includes(secret));
      assert.deepEqual(leaked, [], "a log line contains the bot token");
    },
  };
}

/** The journal kinds of a user, oldest first. */
export async function journalKinds(
  app: App,
  userId: number,
): Promise<string[]> {
  return (await app.ledger.journal(userId, 100)).map((e) => e.kind).reverse();
}

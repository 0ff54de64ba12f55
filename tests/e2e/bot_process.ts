/**
 * The real `lora-bot` process (`deno run main.ts`), as systemd runs it,
 * for the tests that start, kill and restart it.
 */

import { DatabaseSync, type SQLInputValue } from "node:sqlite";
import postgres from "postgres";
import { PG_OPTIONS } from "../../lib/db/pg/schema.ts";
import {
  pgReader,
  type ReaderRow,
  sqliteReader,
  type SqlReader,
} from "../../lib/db/reader.ts";
import { freshDatabase } from "../pg/mod.ts";
import { storeUnderTest } from "../stores.ts";

/** Path of the bot's entry point. */
export const MAIN: string = new URL("../../main.ts", import.meta.url).pathname;

/** Options of {@link botCommand}. */
export interface BotCommandOptions {
  /** Arguments after main.ts (default: `start`). */
  readonly args?: readonly string[];
  /** Where the process's output goes (default: piped). */
  readonly output?: "piped" | "null";
  /**
   * Shell commands run before the bot in the same process (`umask 022`,
   * `ulimit -n 256`): the bot is then exec'd by /bin/sh.
   */
  readonly shell?: string;
}

/**
 * A command for the bot with exactly `env` as its environment (plus a fast
 * Telegram per-chat pace, which would only slow tests down).
 */
export function botCommand(
  env: Record<string, string>,
  options: BotCommandOptions = {},
): Deno.Command {
  const output = options.output ?? "piped";
  const args = [
    "run",
    "--quiet",
    "--allow-net",
    "--allow-read",
    "--allow-write",
    "--allow-env",
    MAIN,
    ...(options.args ?? ["start"]),
  ];
  const shell = options.shell;
  return new Deno.Command(shell === undefined ? Deno.execPath() : "/bin/sh", {
    args: shell === undefined
      ? args
      : ["-c", `${shell}; exec "$0" "$@"`, Deno.execPath(), ...args],
    env: { NO_COLOR: "1", TELEGRAM_CHAT_INTERVAL: "0.01", ...env },
    clearEnv: true,
    stdin: "null",
    stdout: output,
    stderr: output,
  });
}

/** The environment that points the bot at the fakes and a data folder. */
export function fakesEnv(
  fakes: {
    readonly telegram: { readonly token: string; readonly apiRoot: string };
    readonly comfy: { readonly url: string };
  },
  dataDir: string,
): Record<string, string> {
  return {
    BOT_TOKEN: fakes.telegram.token,
    TELEGRAM_API_ROOT: fakes.telegram.apiRoot,
    COMFYUI_URL: fakes.comfy.url,
    DATA_DIR: dataDir,
  };
}

/**
 * A read-only view of a bot's database: DATA_DIR's balances.db, or the
 * PostgreSQL database at `url` (close it with `await using`).
 */
export function databaseReader(
  dataDir: string,
  url: string | undefined,
): SqlReader & AsyncDisposable {
  if (url === undefined) {
    const db = new DatabaseSync(`${dataDir}/balances.db`, { readOnly: true });
    return {
      ...sqliteReader(db),
      [Symbol.asyncDispose]: () => Promise.resolve(db.close()),
    };
  }
  const sql = postgres(url, { ...PG_OPTIONS, max: 1 });
  return {
    ...pgReader(sql),
    [Symbol.asyncDispose]: () => sql.end({ timeout: 5 }),
  };
}

/**
 * The database of a bot process under test: an SQLite file in its data
 * folder, or under TEST_STORE=postgres a fresh PostgreSQL database that
 * `env` names. Disposing it drops that database.
 */
export interface ProcessStore extends AsyncDisposable {
  /** DATABASE_URL on PostgreSQL; nothing on SQLite. */
  readonly env: Record<string, string>;
  /** Reads the bot's database, on a connection of its own each time. */
  all(query: string, args?: readonly SQLInputValue[]): Promise<ReaderRow[]>;
}

/** The database under test of a bot process keeping its data in `dataDir`. */
export async function processStore(dataDir: string): Promise<ProcessStore> {
  const database = storeUnderTest() === "postgres"
    ? await freshDatabase()
    : undefined;
  return {
    env: database === undefined ? {} : { DATABASE_URL: database.url },
    async all(query, args) {
      // Opened per query: the SQLite file appears when the bot starts.
      await using reader = databaseReader(dataDir, database?.url);
      return await reader.all(query, args);
    },
    [Symbol.asyncDispose]: async () => {
      await database?.[Symbol.asyncDispose]();
    },
  };
}

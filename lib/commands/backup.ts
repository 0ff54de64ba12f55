/**
 * `lora-bot backup <file> [--force]`: an online, consistent copy of
 * DATA_DIR/balances.db while the bot keeps running, through SQLite's backup
 * API (Deno's SQLite refuses `VACUUM INTO`).
 *
 * @module
 */

import { DatabaseSync } from "node:sqlite";
import type { Config } from "../config/mod.ts";
import { backupTo } from "../db/mod.ts";
import type { Print } from "./verify.ts";

/** The parsed arguments of `backup`. */
export interface BackupArgs {
  readonly target: string;
  /** Replace an existing file. */
  readonly force: boolean;
}

/** Parses `<file> [--force]`; undefined when they do not fit. */
export function parseBackupArgs(
  args: readonly string[],
): BackupArgs | undefined {
  const force = args.includes("--force");
  const rest = args.filter((a) => a !== "--force");
  const target = rest[0];
  if (rest.length !== 1 || target === undefined || target.startsWith("-")) {
    return undefined;
  }
  return { target, force };
}

/**
 * Writes the copy and returns the exit code (0 done, 1 failed, 2 not the
 * SQLite ledger: DATABASE_URL is set). The copy is written next to the
 * target and renamed into place, so an interrupted run never leaves a
 * half-written file under the target's name.
 */
export async function runBackup(
  config: Config,
  args: BackupArgs,
  print: Print,
): Promise<number> {
  const source = `${config.dataDir}/balances.db`;
  if (config.databaseUrl !== undefined) {
    // The ledger is in PostgreSQL; a balances.db left in DATA_DIR (the one
    // `migrate --to postgres` copied) is stale, and a copy of it would pass
    // for a backup.
    print(
      "backup: the bot runs on PostgreSQL (DATABASE_URL); back it up with " +
        "pg_dump: this command copies only the SQLite file",
    );
    // A misuse, as a bad argument is: the nightly unit fails visibly.
    return 2;
  }
  if (!args.force && await exists(args.target)) {
    print(`backup: ${args.target} exists; add --force to replace it`);
    return 1;
  }
  let db: DatabaseSync;
  try {
    await Deno.stat(source);
    db = new DatabaseSync(source, { readOnly: true });
  } catch (error) {
    print(`backup: cannot open ${source}: ${(error as Error).message}`);
    return 1;
  }
  const partial = `${args.target}.partial-${Date.now()}`;
  try {
    await backupTo(db, partial);
    await Deno.rename(partial, args.target);
  } catch (error) {
    await Deno.remove(partial).catch(() => {});
    print(`backup: cannot write ${args.target}: ${(error as Error).message}`);
    return 1;
  } finally {
    db.close();
  }
  const { size } = await Deno.stat(args.target);
  print(`backup: wrote ${args.target} (${size} bytes)`);
  return 0;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** `lora-bot backup <file> [--force]` from its arguments; the exit code. */
export async function backupCommand(
  config: Config,
  argv: readonly string[],
  print: (line: string) => void,
): Promise<number> {
  const backup = parseBackupArgs([...argv]);
  if (backup === undefined) {
    print(
      "lora-bot: backup needs one file name (lora-bot backup FILE [--force])",
    );
    return 2;
  }
  return await runBackup(config, backup, print);
}

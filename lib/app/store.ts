/**
 * Opens `DATA_DIR/balances.db`: makes a backup copy before upgrading a file
 * that already holds data (the old bot's, or an older schema), migrates it,
 * and builds the ledger and the job store on it.
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";
import type { Clock } from "../clock.ts";
import {
  backupTo,
  hasTables,
  migrate,
  openDatabase,
  SCHEMA_VERSION,
  schemaVersion,
} from "../db/mod.ts";
import { JobStore } from "../jobs/mod.ts";
import { Ledger } from "../ledger/mod.ts";
import type { Logger } from "../log.ts";
import { makePrivateDir, touchPrivate } from "../host/mod.ts";

/** The opened database and what lives in it. */
export interface Store {
  readonly db: DatabaseSync;
  readonly ledger: Ledger;
  readonly jobs: JobStore;
}

/** Options of {@link openStore}. */
export interface OpenStoreOptions {
  readonly clock: Clock;
  readonly log: Logger;
  readonly defaultTokens: number;
}

/** Opens (creating or upgrading) the database in `dataDir`. */
export async function openStore(
  dataDir: string,
  options: OpenStoreOptions,
): Promise<Store> {
  await makePrivateDir(dataDir);
  const path = `${dataDir}/balances.db`;
  await touchPrivate(path);
  const db = openDatabase(path);
  try {
    const version = schemaVersion(db);
    if (version < SCHEMA_VERSION && hasTables(db)) {
      const stamp = new Date(options.clock.now()).toISOString()
        .replace(/[:.]/g, "-");
      const backup = `${path}.backup-v${version}-${stamp}`;
      await backupTo(db, backup);
      options.log.info("backed up the database before upgrading", { backup });
    }
    const report = migrate(db);
    if (report.from !== report.to) {
      options.log.info("database upgraded", { ...report });
    }
  } catch (error) {
    db.close();
    throw error;
  }
  const ledger = new Ledger(db, {
    clock: options.clock,
    defaultTokens: options.defaultTokens,
  });
  return { db, ledger, jobs: new JobStore(db, ledger, options.clock) };
}

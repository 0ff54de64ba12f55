/**
 * Opens `DATA_DIR/balances.db`: makes a backup copy before upgrading a file
 * that already holds data (the old bot's, or an older schema), migrates it,
 * and builds the ledger and the job store on it.
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";
import {
  backupTo,
  hasTables,
  migrate,
  openDatabase,
  promised,
  SCHEMA_VERSION,
  schemaVersion,
  settled,
} from "../db/mod.ts";
import { SqliteJobStore } from "../jobs/mod.ts";
import { SqliteLedger } from "../ledger/mod.ts";
import { SqlitePaymentStore } from "../payments/mod.ts";
import { SqliteReferralStore } from "../referrals/mod.ts";
import { SyncBroadcastStore } from "../broadcast/mod.ts";
import { WizardStore } from "../wizard/mod.ts";
import { UpdateLog } from "../telegram/mod.ts";
import { tableUsedLinks } from "../dashboard/mod.ts";
import { SyncBanStore } from "../bans/mod.ts";
import { GroupSettings } from "../groups/mod.ts";
import { denoTextFiles } from "../stats/mod.ts";
import { sqliteReader } from "../db/reader.ts";
import type { OpenStoreOptions, Store } from "./stores.ts";
import { readerReports } from "./stores.ts";
import { makePrivateDir, touchPrivate } from "../host/mod.ts";

export {
  type OpenStoreOptions,
  readerReports,
  type Reports,
  type Store,
} from "./stores.ts";

/**
 * Opens (creating or upgrading) the database in `dataDir`, or the
 * PostgreSQL database of `options.databaseUrl`.
 */
export async function openStore(
  dataDir: string,
  options: OpenStoreOptions,
): Promise<Store> {
  await makePrivateDir(dataDir);
  if (options.databaseUrl !== undefined) {
    // Loaded only when asked for: SQLite operators never load the driver.
    const { openPgStore } = await import("./pg_store.ts");
    return await openPgStore(options.databaseUrl, options);
  }
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
  const ledger = new SqliteLedger(db, {
    clock: options.clock,
    defaultTokens: options.defaultTokens,
  });
  return sqliteStores(db, ledger, options);
}

// Every store on one SQLite connection; those that move tokens share the
// synchronous ledger, so their transactions include its movements.
function sqliteStores(
  db: DatabaseSync,
  ledger: SqliteLedger,
  options: OpenStoreOptions,
): Store {
  const { clock } = options;
  const runner = sqliteReader(db);
  return {
    db,
    ledger,
    jobs: new SqliteJobStore(db, ledger.sync, clock),
    payments: new SqlitePaymentStore(db, { ledger: ledger.sync, clock }),
    referrals: new SqliteReferralStore(db, {
      clock,
      bonus: options.referralBonus ?? 0,
    }),
    broadcasts: promised(new SyncBroadcastStore(db, clock)),
    wizards: new WizardStore(runner, { clock }),
    updates: new UpdateLog(runner, clock),
    usedLinks: tableUsedLinks(runner),
    bans: promised(new SyncBanStore(db, clock)),
    groups: new GroupSettings(runner, clock),
    reports: readerReports(runner, clock),
    statsFiles: denoTextFiles,
    close: () => settled(() => db.close()),
  };
}

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
  promised,
  SCHEMA_VERSION,
  schemaVersion,
  settled,
} from "../db/mod.ts";
import { type JobStore, SqliteJobStore } from "../jobs/mod.ts";
import { type Ledger, SqliteLedger } from "../ledger/mod.ts";
import { type PaymentStore, SqlitePaymentStore } from "../payments/mod.ts";
import { type ReferralStore, SqliteReferralStore } from "../referrals/mod.ts";
import { type BroadcastStore, SyncBroadcastStore } from "../broadcast/mod.ts";
import { WizardStore } from "../wizard/mod.ts";
import { UpdateLog } from "../telegram/mod.ts";
import {
  type ChartData,
  chartData,
  Records,
  tableUsedLinks,
  type UsedLinks,
} from "../dashboard/mod.ts";
import { type BanStore, SyncBanStore } from "../bans/mod.ts";
import { GroupSettings } from "../groups/mod.ts";
import { denoTextFiles, type TextFiles } from "../stats/mod.ts";
import { AdminQueries } from "../admin/mod.ts";
import { type DailyFigures, dailyFigures } from "../alerts/mod.ts";
import { type MetricsFigures, metricsFigures } from "../http/mod.ts";
import { sqliteReader, type SqlReader } from "../db/reader.ts";
import type { Logger } from "../log.ts";
import { makePrivateDir, touchPrivate } from "../host/mod.ts";

/**
 * The opened database and every store in it, each behind its async
 * storage interface.
 */
export interface Store {
  /** The SQLite file's connection; undefined on PostgreSQL. */
  readonly db: DatabaseSync | undefined;
  readonly ledger: Ledger;
  readonly jobs: JobStore;
  readonly payments: PaymentStore;
  readonly referrals: ReferralStore;
  readonly broadcasts: BroadcastStore;
  readonly wizards: WizardStore;
  readonly updates: UpdateLog;
  readonly usedLinks: UsedLinks;
  readonly bans: BanStore;
  readonly groups: GroupSettings;
  /** Read-only views for the admin, the dashboard, alerts and /metrics. */
  readonly reports: Reports;
  /**
   * Where `processing_stats.json` lives: the data directory with SQLite,
   * a table with PostgreSQL.
   */
  readonly statsFiles: TextFiles;
  /** Closes the connection (after everything using it has stopped). */
  close(): Promise<void>;
}

/** The read-only views of either database, through its reader. */
export function readerReports(reader: SqlReader, clock: Clock): Reports {
  return {
    admin: new AdminQueries(reader, clock),
    records: new Records(reader),
    charts: (now) => chartData(reader, now),
    daily: (now) => dailyFigures(reader, now),
    metrics: () => metricsFigures(reader),
    ping: async () => {
      try {
        await reader.all("SELECT COUNT(*) AS n FROM balances");
        return true;
      } catch {
        return false;
      }
    },
  };
}

/** The read-only views over users, jobs and money. */
export interface Reports {
  readonly admin: AdminQueries;
  readonly records: Records;
  /** The dashboard charts' data of the month before `now`. */
  charts(now: number): Promise<ChartData>;
  /** The daily summary's figures of the 24 hours before `now`. */
  daily(now: number): Promise<DailyFigures>;
  /** What /metrics reads from the database. */
  metrics(): Promise<MetricsFigures>;
  /** Whether the database answers (/healthz). */
  ping(): Promise<boolean>;
}

/** Options of {@link openStore}. */
export interface OpenStoreOptions {
  readonly clock: Clock;
  readonly log: Logger;
  readonly defaultTokens: number;
  /** REFERRAL_BONUS (0: referrals are off). */
  readonly referralBonus?: number;
  /** DATABASE_URL: PostgreSQL instead of the SQLite file in `dataDir`. */
  readonly databaseUrl?: string | undefined;
}

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

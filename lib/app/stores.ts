/**
 * What an opened database is to the app, whichever it is: every store
 * behind its async interface, and the read-only reports over it. Opened
 * by store.ts (the SQLite file) or pg_store.ts (DATABASE_URL).
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";
import type { Clock } from "../clock.ts";
import type { JobStore } from "../jobs/mod.ts";
import type { Ledger } from "../ledger/mod.ts";
import type { PaymentStore } from "../payments/mod.ts";
import type { ReferralStore } from "../referrals/mod.ts";
import type { BroadcastStore } from "../broadcast/mod.ts";
import type { WizardStore } from "../wizard/mod.ts";
import type { UpdateLog } from "../telegram/mod.ts";
import {
  type ChartData,
  chartData,
  Records,
  type UsedLinks,
} from "../dashboard/mod.ts";
import type { BanStore } from "../bans/mod.ts";
import type { GroupSettings } from "../groups/mod.ts";
import type { TextFiles } from "../stats/mod.ts";
import { AdminQueries } from "../admin/mod.ts";
import { type DailyFigures, dailyFigures } from "../alerts/mod.ts";
import { type MetricsFigures, metricsFigures } from "../http/mod.ts";
import type { SqlReader } from "../db/reader.ts";
import type { Logger } from "../log.ts";

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

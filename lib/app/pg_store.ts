/**
 * Every store on PostgreSQL (DATABASE_URL=postgres://…): the schema is
 * created in an empty database, and the stores share one connection pool.
 *
 * @module
 */

import postgres from "postgres";
import { PgBanStore } from "../bans/mod.ts";
import { PgBroadcastStore } from "../broadcast/mod.ts";
import { tableUsedLinks } from "../dashboard/mod.ts";
import { migratePg, PG_OPTIONS } from "../db/pg/schema.ts";
import { requireServerVersion } from "../db/pg/version.ts";
import { pgReader } from "../db/reader.ts";
import { GroupSettings } from "../groups/mod.ts";
import { PgJobStore } from "../jobs/mod.ts";
import { PgLedger } from "../ledger/mod.ts";
import { PgPaymentStore } from "../payments/mod.ts";
import { PgReferralStore } from "../referrals/mod.ts";
import { pgTextFiles } from "../stats/mod.ts";
import { UpdateLog } from "../telegram/mod.ts";
import { WizardStore } from "../wizard/mod.ts";
import { type OpenStoreOptions, readerReports, type Store } from "./stores.ts";

/** Connections the bot keeps open to PostgreSQL. */
const POOL_SIZE = 8;

/** Opens the database at `url`, creating the schema in an empty one. */
export async function openPgStore(
  url: string,
  options: OpenStoreOptions,
): Promise<Store> {
  const sql = postgres(url, {
    ...PG_OPTIONS,
    max: POOL_SIZE,
    // The driver's own errors never quote the URL (it holds the password).
    connection: { application_name: "lora-bot" },
  });
  try {
    await requireServerVersion(sql);
    const from = await migratePg(sql);
    if (from === 0) options.log.info("created the PostgreSQL schema");
  } catch (error) {
    await sql.end({ timeout: 5 });
    throw error;
  }
  const { clock } = options;
  const runner = pgReader(sql);
  return {
    db: undefined,
    ledger: new PgLedger(sql, {
      clock,
      defaultTokens: options.defaultTokens,
    }),
    jobs: new PgJobStore(sql, clock),
    payments: new PgPaymentStore(sql, clock),
    referrals: new PgReferralStore(sql, {
      clock,
      bonus: options.referralBonus ?? 0,
    }),
    broadcasts: new PgBroadcastStore(sql, clock),
    wizards: new WizardStore(runner, { clock }),
    updates: new UpdateLog(runner, clock),
    usedLinks: tableUsedLinks(runner),
    bans: new PgBanStore(sql, clock),
    groups: new GroupSettings(runner, clock),
    reports: readerReports(runner, clock),
    statsFiles: pgTextFiles(sql),
    close: () => sql.end({ timeout: 5 }),
  };
}

import { DatabaseSync } from "node:sqlite";
import type { Config } from "../config/mod.ts";
import { SCHEMA_VERSION, schemaVersion } from "../db/mod.ts";
import { verifyLedger } from "../ledger/mod.ts";
import { PG_OPTIONS } from "../db/pg/schema.ts";
import { pgReader, sqliteReader, type SqlReader } from "../db/reader.ts";

/** Where `verify` writes its report. */
export type Print = (line: string) => void;

/**
 * `lora-bot verify`: checks the ledger in DATA_DIR/balances.db and returns
 * the exit code (0 when every rule holds, 1 naming the first broken one).
 */
export async function runVerify(
  config: Config,
  print: Print,
  now: number,
): Promise<number> {
  if (config.databaseUrl !== undefined) {
    return await verifyPostgres(config, print, now);
  }
  const path = `${config.dataDir}/balances.db`;
  let db: DatabaseSync;
  try {
    await Deno.stat(path);
    db = new DatabaseSync(path, { readOnly: true });
  } catch (error) {
    print(`verify: cannot open ${path}: ${(error as Error).message}`);
    return 1;
  }
  try {
    const version = schemaVersion(db);
    if (version < SCHEMA_VERSION) {
      print(
        `verify: ${path} has schema version ${version}; start the bot once to upgrade it`,
      );
      return 1;
    }
    return await report(sqliteReader(db), config, print, now);
  } finally {
    db.close();
  }
}

// The same rules on the PostgreSQL database of DATABASE_URL (whose text,
// with its password, is never printed).
async function verifyPostgres(
  config: Config,
  print: Print,
  now: number,
): Promise<number> {
  const postgres = (await import("postgres")).default;
  const sql = postgres(config.databaseUrl ?? "", { ...PG_OPTIONS, max: 1 });
  try {
    const [row] = await sql`SELECT to_regclass('schema_version') AS t`;
    if (row?.t === null) {
      print("verify: the PostgreSQL database has no lora-bot schema yet");
      return 1;
    }
    return await report(pgReader(sql), config, print, now);
  } catch (error) {
    print(`verify: cannot read PostgreSQL: ${(error as Error).message}`);
    return 1;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

async function report(
  db: SqlReader,
  config: Config,
  print: Print,
  now: number,
): Promise<number> {
  {
    // A job may legitimately hold tokens for its whole render and delivery.
    const holdTimeoutMs = config.comfyuiTimeoutMs +
      config.historyIntervalMs * config.historyAttempts + 3_600_000;
    const report = await verifyLedger(db, { now, holdTimeoutMs });
    for (const rule of report.passed) print(`ok      ${rule}`);
    const f = report.figures;
    print(
      `figures users=${f.users} available=${f.available} held=${f.held} spent=${f.spent} ` +
        `granted=${f.granted} bought=${f.bought} refunded=${f.refunded} journal=${f.journalRows} ` +
        `jobs=${JSON.stringify(f.jobsByState)}`,
    );
    if (f.sentUncaptured > 0) {
      print(
        `note    ${f.sentUncaptured} job(s) sent their video and are captured by the next start`,
      );
    }
    if (report.broken !== undefined) {
      print(`FAILED  ${report.broken.rule}: ${report.broken.detail}`);
      return 1;
    }
    print("verify: all rules hold");
    return 0;
  }
}

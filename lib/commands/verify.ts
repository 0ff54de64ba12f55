import { DatabaseSync } from "node:sqlite";
import type { Config } from "../config/mod.ts";
import { SCHEMA_VERSION, schemaVersion } from "../db/mod.ts";
import { verifyLedger } from "../ledger/mod.ts";

/** Where `verify` writes its report. */
export type Print = (line: string) => void;

/**
 * `lora-bot verify`: checks the ledger in DATA_DIR/balances.db and returns
 * the exit code (0 when every rule holds, 1 naming the first broken one).
 */
export function runVerify(config: Config, print: Print, now: number): number {
  const path = `${config.dataDir}/balances.db`;
  let db: DatabaseSync;
  try {
    Deno.statSync(path);
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
    // A job may legitimately hold tokens for its whole render and delivery.
    const holdTimeoutMs = config.comfyuiTimeoutMs +
      config.historyIntervalMs * config.historyAttempts + 3_600_000;
    const report = verifyLedger(db, { now, holdTimeoutMs });
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
  } finally {
    db.close();
  }
}

import type { StartOutcome, StartRequest } from "../jobs/runner.ts";
import type { Ledger } from "../ledger/mod.ts";
import type { Logger } from "../log.ts";
import type { KeyMean } from "../stats/mod.ts";

/** Starts video jobs (the job runner, or a stand-in in tests). */
export interface JobStarter {
  start(request: StartRequest): StartOutcome;
}

/** Render-time statistics for the statistics screen. */
export interface TimeStats {
  meanByKey(): Record<string, KeyMean>;
  meanOverall(): number | undefined;
}

/** Everything the bot's features need. */
export interface BotDeps {
  readonly ledger: Ledger;
  readonly jobs: JobStarter;
  readonly times: TimeStats;
  readonly log: Logger;
  readonly tokensPerVideo: number;
  readonly defaultTokens: number;
  readonly adminContact: string | undefined;
}

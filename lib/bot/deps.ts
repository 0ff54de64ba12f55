import type { AdminQueries } from "../admin/mod.ts";
import type { BanStore } from "../bans/mod.ts";
import type { GroupSettings } from "../groups/mod.ts";
import type { Clock } from "../clock.ts";
import type { StartOutcome, StartRequest } from "../jobs/mod.ts";
import type { FreeVideos } from "../jobs/mod.ts";
import type { Job } from "../jobs/mod.ts";
import type { Ledger } from "../ledger/mod.ts";
import type { ServerStatus } from "../comfy/mod.ts";
import type { Logger } from "../log.ts";
import type { MoneyDeps } from "./money_deps.ts";
import type { KeyMean } from "../stats/mod.ts";
import type { WizardStore } from "../wizard/mod.ts";

/** What became of a request to cancel a job. */
export type CancelOutcome = "cancelled" | "not_found" | "too_late";

/** Starts (and, where supported, cancels) video jobs. */
export interface JobStarter {
  start(request: StartRequest): Promise<StartOutcome>;
  /**
   * Cancels the user's job if it has not been delivered yet, releasing its
   * hold. Optional until the runner supports it (#4); without it the ✖
   * button answers "not found".
   */
  cancel?(jobId: string, userId: number): Promise<CancelOutcome>;
}

/** Render-time statistics for the statistics and confirmation screens. */
export interface TimeStats {
  meanByKey(): Record<string, KeyMean>;
  meanOverall(): number | undefined;
  /** Seconds a render with these settings (e.g. "10_medium") should take. */
  predictSeconds(key: string): number;
}

/** Everything the bot's features need. */
export interface BotDeps {
  readonly ledger: Ledger;
  readonly jobs: JobStarter;
  readonly times: TimeStats;
  readonly wizards: WizardStore;
  readonly admin: AdminQueries;
  readonly log: Logger;
  /** The render servers, for /backends (absent: the command says none). */
  readonly backends?: { status(): readonly ServerStatus[] };
  /** One-time links to the admin dashboard (absent: no HTTP server). */
  readonly dashboard?: {
    link(admin: number, locale: string): Promise<string>;
  };
  /**
   * The update log: whether to handle an update (`handle`), or skip it as
   * handled before (`seen`) or tried too often (`given_up`: its handling
   * killed the bot each time).
   */
  readonly updates?: {
    record(
      updateId: number,
      userId?: number,
    ): Promise<"handle" | "seen" | "given_up">;
  };
  /** Who may use /addtokens, /users, /user and /stats. */
  readonly adminUserIds: readonly number[];
  readonly tokensPerVideo: number;
  readonly defaultTokens: number;
  readonly adminContact: string | undefined;
  /** Stars payments, referrals and broadcasts (issue #7); absent: off. */
  readonly money?: MoneyDeps;
  /** Delivered videos, for "My videos" and repeat; absent: none. */
  readonly videos?: {
    delivered(userId: number, limit: number): Promise<readonly Job[]>;
    get(jobId: string): Promise<Job | undefined>;
  };
  /** The daily free video (FREE_VIDEOS_PER_DAY); absent: off. */
  readonly free?: FreeVideos;
  /** Per-group settings for /animate in groups; absent: no /animate. */
  readonly groups?: GroupSettings;
  /** Bans (/ban, /unban, the guard); absent: none. */
  readonly bans?: BanStore;
  /** Paces the hint in group chats (default: the system clock). */
  readonly clock?: Clock;
}

/** One user as the admin sees them in lists. */
export interface UserSummary {
  readonly userId: number;
  readonly username: string | undefined;
  readonly firstName: string | undefined;
  readonly lastName: string | undefined;
  readonly tokens: number;
  readonly held: number;
  readonly spent: number;
  readonly videos: number;
  readonly language: string | undefined;
  /** As stored (the old bot wrote local time with microseconds). */
  readonly createdAt: string | undefined;
  readonly updatedAt: string | undefined;
}

/** One page of the user list. */
export interface UserPage {
  readonly users: readonly UserSummary[];
  readonly total: number;
  /** Zero-based page shown (clamped to the last page). */
  readonly page: number;
  /** Number of pages (at least 1). */
  readonly pages: number;
}

/** One job as the admin sees it. */
export interface JobSummary {
  readonly id: string;
  readonly state: string;
  readonly mode: string;
  readonly duration: number;
  readonly quality: string;
  readonly cost: number;
  readonly renderSeconds: number | undefined;
  readonly createdAt: string;
}

/** Totals for /stats. */
export interface Totals {
  readonly users: number;
  /** Users created in the last 7 days. */
  readonly newUsers: number;
  /** Videos delivered since midnight UTC. */
  readonly videosToday: number;
  readonly videosWeek: number;
  /** Every video counted on accounts, the old bot's included. */
  readonly videosAll: number;
  /** Tokens paid for delivered videos. */
  readonly spent: number;
  /** Tokens held for jobs in progress. */
  readonly held: number;
  readonly failedWeek: number;
  readonly failedAll: number;
  /** Jobs not finished yet. */
  readonly active: number;
}

import type { DatabaseSync } from "node:sqlite";
import type { Clock } from "../clock.ts";
import { formatWait } from "../i18n/mod.ts";
import type { JobEnd } from "../jobs/mod.ts";
import type { Logger } from "../log.ts";
import type { Alerter } from "./alerter.ts";
import { type DiskUsage, diskUsage } from "./disk.ts";
import { dailyFigures } from "./summary.ts";

/** Options of {@link AlertMonitor}. */
export interface AlertMonitorOptions {
  readonly alerter: Alerter;
  readonly db: DatabaseSync;
  readonly clock: Clock;
  readonly log: Logger;
  readonly dataDir: string;
  /** Alert when the disk is fuller than this, in percent. */
  readonly diskPercent: number;
  /** Alert after this many failed jobs in a row. */
  readonly failuresInARow: number;
  /** Reads disk usage (tests replace it); default statfs(2). */
  readonly disk?: (dir: string) => Promise<DiskUsage | undefined>;
}

const DISK_EVERY_MS = 10 * 60 * 1000;
/** The daily summary goes out at this hour, UTC. */
export const SUMMARY_HOUR_UTC = 9;

/**
 * What the admins are told about: a render server going down or coming
 * back, jobs failing several times in a row, a nearly full disk under
 * DATA_DIR, and once a day a summary.
 */
export class AlertMonitor {
  readonly #o: AlertMonitorOptions;
  readonly #stop = new AbortController();
  #failures = 0;
  #lastReason = "";
  #loops: Promise<void>[] = [];

  constructor(options: AlertMonitorOptions) {
    this.#o = options;
  }

  /** RenderPool's `onStateChange`. */
  serverChanged(server: string, up: boolean, error?: string): void {
    this.#o.alerter.notify(
      `server:${server}:${up ? "up" : "down"}`,
      (t) =>
        up
          ? t.alerts.serverUp({ server })
          : t.alerts.serverDown({ server, error: error ?? "?" }),
    );
  }

  /** The job runner's `onJobEnd`: counts failures in a row. */
  jobEnded(end: JobEnd): void {
    if (end.outcome === "done") {
      this.#failures = 0;
      return;
    }
    this.#failures++;
    this.#lastReason = end.reason ?? "?";
    if (this.#failures === this.#o.failuresInARow) {
      const count = this.#failures;
      const reason = this.#lastReason;
      this.#o.alerter.notify(
        "failures",
        (t) => t.alerts.failures({ count, reason }),
      );
    }
  }

  /** Checks the disk once (also what the periodic loop does). */
  async checkDisk(): Promise<void> {
    const usage = await (this.#o.disk ?? diskUsage)(this.#o.dataDir);
    if (usage === undefined || usage.percent < this.#o.diskPercent) return;
    const free = `${(usage.freeBytes / 1024 ** 3).toFixed(1)} GB`;
    this.#o.alerter.notify(
      "disk",
      (t) =>
        t.alerts.disk({ percent: usage.percent, dir: this.#o.dataDir, free }),
    );
  }

  /** Sends the summary of the last 24 hours now. */
  sendSummary(): void {
    const f = dailyFigures(this.#o.db, this.#o.clock.now());
    this.#o.alerter.notify("summary", (t) =>
      t.alerts.summary({
        ...f,
        mean: f.meanSeconds === undefined ? t.statsNone : formatWait(
          t === undefined ? "ru" : t.motion.presetLanguage,
          f.meanSeconds,
        ),
      }));
  }

  /** Starts the disk checks and the daily summary. */
  start(): void {
    this.#loops = [
      this.#every(() => DISK_EVERY_MS, () => this.checkDisk()),
      this.#every(() => this.#untilSummary(), () => this.sendSummary()),
    ];
  }

  /** Stops the loops. */
  async stop(): Promise<void> {
    this.#stop.abort();
    await Promise.allSettled(this.#loops);
  }

  #untilSummary(): number {
    const now = this.#o.clock.now();
    const day = 24 * 60 * 60 * 1000;
    const at = Math.floor(now / day) * day + SUMMARY_HOUR_UTC * 3600_000;
    return at > now ? at - now : at + day - now;
  }

  async #every(wait: () => number, run: () => unknown): Promise<void> {
    // Bounded by stop(): one round per period for as long as the bot runs.
    for (let round = 0; round < Number.MAX_SAFE_INTEGER; round++) {
      try {
        await this.#o.clock.sleep(wait(), this.#stop.signal);
        await run();
      } catch (error) {
        if (this.#stop.signal.aborted) return;
        this.#o.log.warn("alert check failed", { error });
      }
    }
  }
}

import { type Clock, systemClock } from "../clock.ts";
import type { Logger } from "../log.ts";
import {
  denoTextFiles,
  loadProcessingStats,
  type ProcessingStats,
  saveProcessingStats,
  type TextFiles,
} from "./processing_stats.ts";

/** Render-time history bound to its file; saves after every record. */
export interface TimeBook {
  readonly stats: ProcessingStats;
  predictSeconds(key: string): number;
  record(key: string, seconds: number): Promise<void>;
  /**
   * Reads the saved history again, in place: a standby taking over must
   * not save its copy from start-up over what the active one recorded
   * since. Keeps the history in memory when the saved one is unreadable.
   */
  reload(): Promise<void>;
}

/**
 * Loads `processing_stats.json` (the old bot's file) and keeps it saved.
 * A file in an older shape is copied to `<path>.backup-<time>` and
 * rewritten in the current one at once; an unreadable file is copied
 * aside before the first save replaces it. `files` is the data directory,
 * or the database's `processing_stats` table on PostgreSQL.
 */
export async function openTimeBook(
  path: string,
  log: Logger,
  clock: Clock = systemClock,
  files: TextFiles = denoTextFiles,
): Promise<TimeBook> {
  const { stats, warning, format } = await loadProcessingStats(path, files);
  if (warning !== undefined) log.warn(warning);
  if (format === "old" || format === "corrupt") {
    const stamp = new Date(clock.now()).toISOString().replace(/[:.]/g, "-");
    const backup = `${path}.backup-${stamp}`;
    await files.writeTextAtomic(backup, await files.readText(path) ?? "");
    if (format === "old") await saveProcessingStats(path, stats, files);
    log.info("kept a copy of the old processing stats", { backup, format });
  }
  // Saves run one after another so an older snapshot never overwrites a newer.
  let saving: Promise<void> = Promise.resolve();
  return {
    stats,
    predictSeconds: (key) => stats.predictSeconds(key),
    record(key, seconds) {
      stats.record(key, seconds);
      saving = saving.catch(() => {}).then(() =>
        saveProcessingStats(path, stats, files)
      );
      return saving;
    },
    reload() {
      saving = saving.catch(() => {}).then(async () => {
        const loaded = await loadProcessingStats(path, files);
        if (loaded.format === "corrupt") return;
        stats.replaceWith(loaded.stats);
      });
      return saving;
    },
  };
}

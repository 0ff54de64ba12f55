import type { Logger } from "../log.ts";
import {
  loadProcessingStats,
  type ProcessingStats,
  saveProcessingStats,
} from "./processing_stats.ts";

/** Render-time history bound to its file; saves after every record. */
export interface TimeBook {
  readonly stats: ProcessingStats;
  predictSeconds(key: string): number;
  record(key: string, seconds: number): Promise<void>;
}

/** Loads `processing_stats.json` (the old bot's file) and keeps it saved. */
export async function openTimeBook(
  path: string,
  log: Logger,
): Promise<TimeBook> {
  const { stats, warning } = await loadProcessingStats(path);
  if (warning !== undefined) log.warn(warning);
  // Saves run one after another so an older snapshot never overwrites a newer.
  let saving: Promise<void> = Promise.resolve();
  return {
    stats,
    predictSeconds: (key) => stats.predictSeconds(key),
    record(key, seconds) {
      stats.record(key, seconds);
      saving = saving.catch(() => {}).then(() =>
        saveProcessingStats(path, stats)
      );
      return saving;
    },
  };
}

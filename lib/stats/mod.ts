/** Processing time history: prediction maths and processing_stats.json I/O. */
export {
  DEFAULT_PREDICTION_SECONDS,
  denoTextFiles,
  loadProcessingStats,
  MAX_TIMES,
  MAX_TIMES_PER_KEY,
  ProcessingStats,
  RECENT_WINDOW,
  saveProcessingStats,
  StatsFileError,
} from "./processing_stats.ts";
export { openTimeBook, type TimeBook } from "./time_book.ts";
export { pgTextFiles } from "./pg.ts";
export type {
  KeyMean,
  LoadedProcessingStats,
  ProcessingStatsJSON,
  StatsFileFormat,
  TextFiles,
} from "./processing_stats.ts";

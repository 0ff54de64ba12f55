import { PRIVATE_FILE } from "../host/mod.ts";

/** How many processing times are kept overall (the old bot's limit). */
export const MAX_TIMES = 100;

/** How many processing times are kept per settings key. */
export const MAX_TIMES_PER_KEY = 20;

/** How many of the latest overall times feed the fallback prediction. */
export const RECENT_WINDOW = 10;

/** Prediction in seconds when there is no history at all. */
export const DEFAULT_PREDICTION_SECONDS = 120;

/** The on-disk shape of processing_stats.json, shared with the old bot. */
export interface ProcessingStatsJSON {
  times: number[];
  "times_by_settings": Record<string, number[]>;
}

/** Mean and sample size of the times recorded for one settings key. */
export interface KeyMean {
  mean: number;
  count: number;
}

function isValidTime(x: unknown): x is number {
  // Zero or negative durations can only come from clock trouble and would
  // drag every prediction towards "instant".
  return typeof x === "number" && Number.isFinite(x) && x > 0;
}

function cleanTimes(x: unknown, limit: number): number[] {
  if (!Array.isArray(x)) return [];
  return x.filter(isValidTime).slice(-limit);
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function mean(xs: readonly number[]): number | undefined {
  if (xs.length === 0) return undefined;
  let sum = 0;
  for (const x of xs) sum += x;
  return sum / xs.length;
}

/** History of how long videos took, used to predict the next one. */
export class ProcessingStats {
  #times: number[] = [];
  // A Map keeps keys such as "__proto__" from touching any prototype.
  #byKey = new Map<string, number[]>();

  /** Builds stats from parsed JSON, keeping only what looks valid. */
  static fromJSON(data: unknown): ProcessingStats {
    const stats = new ProcessingStats();
    if (!isRecord(data)) return stats;
    // Files written before per-settings tracking only had completion_times.
    const rawTimes = Array.isArray(data.times)
      ? data.times
      : data.completion_times;
    stats.#times = cleanTimes(rawTimes, MAX_TIMES);
    const rawByKey = data.times_by_settings;
    if (isRecord(rawByKey)) {
      for (const [key, list] of Object.entries(rawByKey)) {
        const times = cleanTimes(list, MAX_TIMES_PER_KEY);
        // An empty list cannot predict anything, so it is not worth keeping.
        if (times.length > 0) stats.#byKey.set(key, times);
      }
    }
    return stats;
  }

  /** The old bot's file shape; arrays are copies, safe to mutate. */
  toJSON(): ProcessingStatsJSON {
    return {
      times: [...this.#times],
      "times_by_settings": Object.fromEntries(
        [...this.#byKey].map(([key, times]) => [key, [...times]]),
      ),
    };
  }

  /** Takes `other`'s history in place of this one's (a reload). */
  replaceWith(other: ProcessingStats): void {
    this.#times = [...other.#times];
    this.#byKey = new Map(
      [...other.#byKey].map(([key, times]) => [key, [...times]]),
    );
  }

  /** Adds one processing time; ignores values that are not positive. */
  record(key: string, seconds: number): void {
    if (!isValidTime(seconds)) return;
    this.#times.push(seconds);
    if (this.#times.length > MAX_TIMES) {
      this.#times.splice(0, this.#times.length - MAX_TIMES);
    }
    const list = this.#byKey.get(key) ?? [];
    list.push(seconds);
    if (list.length > MAX_TIMES_PER_KEY) {
      list.splice(0, list.length - MAX_TIMES_PER_KEY);
    }
    this.#byKey.set(key, list);
  }

  /** Predicted seconds: key mean, else mean of the last 10, else 120. */
  predictSeconds(key: string): number {
    return mean(this.#byKey.get(key) ?? []) ??
      mean(this.#times.slice(-RECENT_WINDOW)) ??
      DEFAULT_PREDICTION_SECONDS;
  }

  /** Mean time and sample count for every settings key with history. */
  meanByKey(): Record<string, KeyMean> {
    const entries: [string, KeyMean][] = [];
    for (const [key, times] of this.#byKey) {
      const m = mean(times);
      if (m !== undefined) {
        entries.push([key, { mean: m, count: times.length }]);
      }
    }
    return Object.fromEntries(entries);
  }

  /** Mean of all kept overall times, or undefined with no history. */
  meanOverall(): number | undefined {
    return mean(this.#times);
  }

  /** Number of kept overall times. */
  count(): number {
    return this.#times.length;
  }
}

/** Minimal text file access, injectable so tests need no disk. */
export interface TextFiles {
  /** Returns the file's text, or undefined when the file does not exist. */
  readText(path: string): Promise<string | undefined>;
  /** Replaces the file so readers see either the old or the new text. */
  writeTextAtomic(path: string, text: string): Promise<void>;
}

/** Thrown when the stats file exists but cannot be read or written. */
export class StatsFileError extends Error {
  /** The file that failed. */
  readonly path: string;

  /** Wraps the underlying I/O error as `cause`. */
  constructor(message: string, path: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "StatsFileError";
    this.path = path;
  }
}

/** Real file access through Deno, with write-to-temp-then-rename. */
export const denoTextFiles: TextFiles = {
  async readText(path: string): Promise<string | undefined> {
    try {
      return await Deno.readTextFile(path);
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return undefined;
      throw err;
    }
  },

  async writeTextAtomic(path: string, text: string): Promise<void> {
    // Same directory as the target so the rename never crosses filesystems.
    const tmp = `${path}.tmp-${crypto.randomUUID()}`;
    try {
      const bytes = new TextEncoder().encode(text);
      const file = await Deno.open(tmp, {
        write: true,
        createNew: true,
        mode: PRIVATE_FILE,
      });
      try {
        let written = 0;
        while (written < bytes.length) {
          written += await file.write(bytes.subarray(written));
        }
        // Without a sync the rename can reach disk before the data does,
        // leaving an empty file after a power cut.
        await file.sync();
      } finally {
        file.close();
      }
      await Deno.rename(tmp, path);
    } catch (err) {
      await Deno.remove(tmp).catch(() => {});
      throw err;
    }
  },
};

/**
 * What the file held: nothing, the current shape (`times` and
 * `times_by_settings`), an older shape (`completion_times`, or a part
 * missing) worth rewriting, or something unreadable.
 */
export type StatsFileFormat = "missing" | "current" | "old" | "corrupt";

/** Result of loading: the stats plus a note the caller may want to log. */
export interface LoadedProcessingStats {
  stats: ProcessingStats;
  warning?: string;
  format?: StatsFileFormat;
}

/** Loads processing_stats.json; missing or corrupt files give empty stats. */
export async function loadProcessingStats(
  path: string,
  files: TextFiles = denoTextFiles,
): Promise<LoadedProcessingStats> {
  let text: string | undefined;
  try {
    text = await files.readText(path);
  } catch (err) {
    throw new StatsFileError(`cannot read ${path}`, path, { cause: err });
  }
  if (text === undefined) {
    return { stats: new ProcessingStats(), format: "missing" };
  }
  let data: unknown;
  try {
    // Some editors prepend a BOM, which JSON.parse rejects.
    data = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch {
    return {
      stats: new ProcessingStats(),
      warning: `${path} is corrupt (not valid JSON); starting empty`,
      format: "corrupt",
    };
  }
  if (!isRecord(data)) {
    return {
      stats: new ProcessingStats(),
      warning: `${path} is corrupt (not a JSON object); starting empty`,
      format: "corrupt",
    };
  }
  const current = Array.isArray(data.times) && isRecord(data.times_by_settings);
  return {
    stats: ProcessingStats.fromJSON(data),
    format: current ? "current" : "old",
  };
}

/** Saves stats atomically in the old bot's format (indent 2, like json.dump). */
export async function saveProcessingStats(
  path: string,
  stats: ProcessingStats,
  files: TextFiles = denoTextFiles,
): Promise<void> {
  const text = JSON.stringify(stats.toJSON(), null, 2);
  try {
    await files.writeTextAtomic(path, text);
  } catch (err) {
    throw new StatsFileError(`cannot write ${path}`, path, { cause: err });
  }
}

/**
 * How full the file system under a directory is, read with `statfs(2)`
 * through `node:fs` (no child process). Under Deno it needs read access to
 * the directory and `--allow-sys=statfs`; without them the disk check is
 * simply off.
 *
 * @module
 */

import { statfs } from "node:fs/promises";

/** Usage of one file system. */
export interface DiskUsage {
  readonly percent: number;
  readonly freeBytes: number;
}

/** The fields of `statfs(2)` this module reads (node's StatFs). */
export interface StatFsLike {
  readonly bsize: number;
  readonly blocks: number;
  readonly bfree: number;
  readonly bavail: number;
}

/**
 * Usage as `df` reports it: used = blocks − free, percent of what the
 * unprivileged user can reach (used + available), free = available to
 * that user. Undefined for an empty or odd file system.
 */
export function usageOf(fs: StatFsLike): DiskUsage | undefined {
  const used = fs.blocks - fs.bfree;
  const total = used + fs.bavail;
  if (!(total > 0) || !Number.isFinite(total) || used < 0) return undefined;
  return {
    percent: Math.round((used / total) * 100),
    freeBytes: fs.bavail * fs.bsize,
  };
}

/** Reads the usage under `dir`; undefined when it cannot (no permission). */
export async function diskUsage(
  dir: string,
  read: (dir: string) => Promise<StatFsLike> = statfs,
): Promise<DiskUsage | undefined> {
  try {
    return usageOf(await read(dir));
  } catch {
    return undefined;
  }
}

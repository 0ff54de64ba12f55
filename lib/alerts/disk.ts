/**
 * How full the disk under a directory is. Deno has no statvfs, so this
 * runs `df -Pk` (POSIX output); it needs `--allow-run=df`, and without it
 * (or without df) the disk check is simply off.
 *
 * @module
 */

/** Usage of one file system. */
export interface DiskUsage {
  readonly percent: number;
  readonly freeBytes: number;
}

/** Parses `df -Pk <dir>` output; undefined when it is not that. */
export function parseDf(output: string): DiskUsage | undefined {
  const line = output.trim().split("\n").at(-1) ?? "";
  const fields = line.trim().split(/\s+/);
  // Filesystem 1024-blocks Used Available Capacity Mounted-on
  const used = Number(fields[2]);
  const available = Number(fields[3]);
  if (fields.length < 6 || !Number.isFinite(used + available)) {
    return undefined;
  }
  const total = used + available;
  if (!(total > 0)) return undefined;
  return {
    percent: Math.round((used / total) * 100),
    freeBytes: available * 1024,
  };
}

/** Runs df for `dir`; undefined when it cannot (no permission, no df). */
export async function diskUsage(dir: string): Promise<DiskUsage | undefined> {
  try {
    const output = await new Deno.Command("df", {
      args: ["-Pk", dir],
      stdout: "piped",
      stderr: "null",
    }).output();
    if (!output.success) return undefined;
    return parseDf(new TextDecoder().decode(output.stdout));
  } catch {
    return undefined;
  }
}

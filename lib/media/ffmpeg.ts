/**
 * Running ffmpeg (or any program) as a child process: the preview backend
 * (comfy/preview.ts) renders with it and the job runner re-encodes videos
 * over Telegram's upload limit (jobs/output_check.ts). It lives below both
 * so neither reaches into the other for it.
 *
 * @module
 */

/** Runs a program and reports how it ended. */
export type RunProgram = (
  program: string,
  args: readonly string[],
  signal?: AbortSignal,
) => Promise<{ code: number; stderr: string }>;

/** Runs a program with Deno.Command (needs --allow-run). */
export async function runProgram(
  program: string,
  args: readonly string[],
  signal?: AbortSignal,
): Promise<{ code: number; stderr: string }> {
  const output = await new Deno.Command(program, {
    args: [...args],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
    ...(signal ? { signal } : {}),
  }).output();
  return { code: output.code, stderr: new TextDecoder().decode(output.stderr) };
}

/** Whether ffmpeg can be run (the preview backend needs it). */
export async function ffmpegAvailable(
  ffmpeg = "ffmpeg",
  run: RunProgram = runProgram,
): Promise<boolean> {
  try {
    return (await run(ffmpeg, ["-hide_banner", "-version"])).code === 0;
  } catch {
    return false;
  }
}

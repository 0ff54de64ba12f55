/**
 * The bot as the benchmarks run it: bench/bot_process.ts in its own
 * process, with the V8 flags of `deno task start`, and its stdout read a
 * line at a time (`ready`, then the report).
 *
 * @module
 */

const CHILD = new URL("./bot_process.ts", import.meta.url).pathname;

/** The `--v8-flags=…` of deno.json's start task, if any. */
function startFlags(denoJson: string): string[] {
  const start = (JSON.parse(denoJson) as { tasks: Record<string, string> })
    .tasks.start ?? "";
  return start.match(/--v8-flags=\S+/g) ?? [];
}

/**
 * The V8 flags `deno task start` and the compiled binary use (deno.json),
 * so that the bot's memory is the memory operators will see.
 */
export const V8_FLAGS: string[] = startFlags(
  await Deno.readTextFile(new URL("../deno.json", import.meta.url)),
);

/** Starts bench/bot_process.ts with exactly `env` (stdin, stdout piped). */
export function spawnBot(
  env: Record<string, string>,
  v8Flags: readonly string[] = V8_FLAGS,
): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--allow-net=127.0.0.1",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--allow-run=ffmpeg",
      ...v8Flags,
      CHILD,
    ],
    env: { NO_COLOR: "1", ...env },
    clearEnv: true,
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
}

/** Lines of the child's stdout, one at a time, each within a deadline. */
export function lineReader(
  stream: ReadableStream<Uint8Array>,
): (timeoutMs: number) => Promise<string> {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  return async (timeoutMs: number): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    while (!buffer.includes("\n")) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error("the bot process did not answer");
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), left);
      });
      const next = await Promise.race([reader.read(), timeout]);
      clearTimeout(timer);
      if (next === "timeout") continue;
      if (next.done) throw new Error("the bot process ended early");
      buffer += next.value;
    }
    const end = buffer.indexOf("\n");
    const line = buffer.slice(0, end);
    buffer = buffer.slice(end + 1);
    return line;
  };
}

/**
 * The bot as the benchmarks run it: bench/bot_process.ts in its own
 * process, with the V8 flags of `deno task start`, and its stdout read a
 * line at a time (`ready`, then the report) with common.ts's lineReader.
 *
 * @module
 */

import { benchChild, startFlags } from "./common.ts";

const CHILD = new URL("./bot_process.ts", import.meta.url).pathname;

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
  return benchChild(CHILD, { env, v8Flags });
}

/**
 * The real `lora-bot` process (`deno run main.ts`), as systemd runs it,
 * for the tests that start, kill and restart it.
 */

/** Path of the bot's entry point. */
export const MAIN: string = new URL("../../main.ts", import.meta.url).pathname;

/** Options of {@link botCommand}. */
export interface BotCommandOptions {
  /** Arguments after main.ts (default: `start`). */
  readonly args?: readonly string[];
  /** Where the process's output goes (default: piped). */
  readonly output?: "piped" | "null";
}

/**
 * A command for the bot with exactly `env` as its environment (plus a fast
 * Telegram per-chat pace, which would only slow tests down).
 */
export function botCommand(
  env: Record<string, string>,
  options: BotCommandOptions = {},
): Deno.Command {
  const output = options.output ?? "piped";
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--allow-net",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      MAIN,
      ...(options.args ?? ["start"]),
    ],
    env: { NO_COLOR: "1", TELEGRAM_CHAT_INTERVAL: "0.01", ...env },
    clearEnv: true,
    stdin: "null",
    stdout: output,
    stderr: output,
  });
}

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
  /**
   * Shell commands run before the bot in the same process (`umask 022`,
   * `ulimit -n 256`): the bot is then exec'd by /bin/sh.
   */
  readonly shell?: string;
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
  const args = [
    "run",
    "--quiet",
    "--allow-net",
    "--allow-read",
    "--allow-write",
    "--allow-env",
    MAIN,
    ...(options.args ?? ["start"]),
  ];
  const shell = options.shell;
  return new Deno.Command(shell === undefined ? Deno.execPath() : "/bin/sh", {
    args: shell === undefined
      ? args
      : ["-c", `${shell}; exec "$0" "$@"`, Deno.execPath(), ...args],
    env: { NO_COLOR: "1", TELEGRAM_CHAT_INTERVAL: "0.01", ...env },
    clearEnv: true,
    stdin: "null",
    stdout: output,
    stderr: output,
  });
}

/** The environment that points the bot at the fakes and a data folder. */
export function fakesEnv(
  fakes: {
    readonly telegram: { readonly token: string; readonly apiRoot: string };
    readonly comfy: { readonly url: string };
  },
  dataDir: string,
): Record<string, string> {
  return {
    BOT_TOKEN: fakes.telegram.token,
    TELEGRAM_API_ROOT: fakes.telegram.apiRoot,
    COMFYUI_URL: fakes.comfy.url,
    DATA_DIR: dataDir,
  };
}

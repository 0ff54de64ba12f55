/**
 * The command line: `--version`, `--help`, and the subcommands that do not
 * run the bot (`check`, `verify`, `backup`, `animate`). `main.ts` hands
 * `start` back to its own code, which owns the signals.
 *
 * Output that answers the operator (usage, version, findings) goes to
 * stdout; errors go to the error sink, which under systemd prefixes them
 * with their syslog priority (`<3>`).
 *
 * @module
 */

import {
  type Config,
  ConfigError,
  type Env,
  loadConfig,
} from "../config/mod.ts";
import type { LogSink } from "../log.ts";
import { redact, secretsOf } from "../secrets.ts";
import { VERSION } from "../host/mod.ts";
import { animateCommand } from "./animate.ts";
import { backupCommand } from "./backup.ts";
import { runCheck } from "./check.ts";
import { runVerify } from "./verify.ts";
import { migrateCommand } from "./migrate.ts";

/** `lora-bot --help`. */
export const USAGE = `usage: lora-bot [command]
  start    run the bot (the default)
  check    validate the environment, reach Telegram and every ComfyUI
           server; exit 0 all good, 1 something unreachable, 2 bad config
  verify   check the token ledger in DATA_DIR/balances.db (or DATABASE_URL)
  migrate --to postgres|sqlite
           copy DATA_DIR/balances.db into the empty DATABASE_URL
           database, or back; then verify both sides
  backup <file> [--force]
           copy DATA_DIR/balances.db to <file> while the bot runs
  animate PHOTO [--duration 5|10|15] [--quality 300|600|832] [-o OUT.mp4]
           render one video through the configured ComfyUI servers
  --version  print the version
  --help     print this text`;

const COMMANDS = ["start", "check", "verify", "backup", "animate", "migrate"];

/** What the command line writes to and reads. */
export interface CliIO {
  readonly env: Env;
  /** A line on stdout. */
  readonly out: (line: string) => void;
  /** A line on stderr at a priority. */
  readonly err: LogSink;
  /** Runs the bot (main.ts: it owns the signals); returns the exit code. */
  readonly start: (config: Config) => Promise<number>;
  readonly fetch?: typeof fetch;
}

/** Runs the command line and returns the exit code. */
export async function runCli(
  args: readonly string[],
  raw: CliIO,
): Promise<number> {
  // URL user info and query strings are masked from the start (a bad
  // COMFYUI_URLS entry), the configured secrets once they are known.
  let secrets: readonly string[] = [];
  const io: CliIO = {
    ...raw,
    out: (line) => raw.out(redact(line, secrets)),
    err: (line, level) => raw.err(redact(line, secrets), level),
  };
  const command = args[0] ?? "start";
  if (["--version", "-V", "version"].includes(command)) {
    io.out(`lora-bot ${VERSION}`);
    return 0;
  }
  if (["help", "--help", "-h"].includes(command)) {
    io.out(USAGE);
    return 0;
  }
  if (!COMMANDS.includes(command)) {
    io.err(`lora-bot: unknown command "${command}" (see --help)`, "error");
    return 2;
  }
  let config: Config;
  try {
    config = loadConfig(io.env, command === "start" || command === "check");
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    if (command === "check") io.out(`FAIL config: ${error.message}`);
    else io.err(`lora-bot: ${error.message}`, "error");
    return 2;
  }
  secrets = secretsOf(config);
  const print = (line: string) => io.err(line, "info");
  switch (command) {
    case "check":
      return await runCheck(config, {
        print: io.out,
        ...(io.fetch ? { fetch: io.fetch } : {}),
      });
    case "verify":
      return await runVerify(config, print, Date.now());
    case "animate":
      return await animateCommand(config, args.slice(1), print);
    case "migrate":
      return await migrateCommand(config, args.slice(1), print);
    case "backup":
      return await backupCommand(config, args.slice(1), print);
    default:
      return await io.start(config);
  }
}

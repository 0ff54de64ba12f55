/**
 * lora-bot: the composition root. Reads the configuration, then starts the
 * bot (stopping it cleanly on SIGINT/SIGTERM, systemd's stop) or runs one
 * of the operator's subcommands.
 *
 * @module
 */

import { startApp } from "./lib/app.ts";
import { animateCommand } from "./lib/commands/animate.ts";
import { backupCommand } from "./lib/commands/backup.ts";
import { runVerify } from "./lib/commands/verify.ts";
import { type Config, ConfigError, loadConfig } from "./lib/config.ts";
import { loggerFor, stderrSink } from "./lib/log.ts";
import { redact, secretsOf } from "./lib/secrets.ts";

const USAGE = `usage: lora-bot [command]
  start    run the bot (the default)
  verify   check the token ledger in DATA_DIR/balances.db
  backup <file> [--force]
           copy DATA_DIR/balances.db to <file> while the bot runs
  animate PHOTO [--duration 5|10|15] [--quality 300|600|832] [-o OUT.mp4]
           render one video through the configured ComfyUI servers`;

const COMMANDS = ["start", "verify", "backup", "animate"];

// The configuration's secrets once it is read; URL user info and query
// strings are masked from the start (a bad COMFYUI_URLS entry).
let secrets: readonly string[] = [];
const print = (line: string) => stderrSink(redact(line, secrets), "info");

async function start(config: Config): Promise<number> {
  const log = loggerFor(config);
  try {
    const app = await startApp(config, { log });
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      Deno.addSignalListener(signal, () => {
        log.info("signal received", { signal });
        app.stop().then(() => Deno.exit(0));
      });
    }
    await app.polling;
    await app.stop();
    return 0;
  } catch (error) {
    log.error("lora-bot stopped on an error", { error });
    return 1;
  }
}

async function main(args: string[]): Promise<number> {
  const command = args[0] ?? "start";
  if (["help", "--help", "-h"].includes(command)) {
    print(USAGE);
    return 0;
  }
  if (!COMMANDS.includes(command)) {
    print(`lora-bot: unknown command "${command}"\n${USAGE}`);
    return 2;
  }
  let config: Config;
  try {
    config = loadConfig(Deno.env.toObject(), command === "start");
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    print(`lora-bot: ${error.message}`);
    return 2;
  }
  secrets = secretsOf(config);
  if (command === "verify") return runVerify(config, print, Date.now());
  if (command === "animate") {
    return await animateCommand(config, args.slice(1), print);
  }
  if (command === "backup") {
    return await backupCommand(config, args.slice(1), print);
  }
  return await start(config);
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}

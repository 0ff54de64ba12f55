/**
 * lora-bot: the composition root. Reads the configuration, then starts the
 * bot (stopping it cleanly on SIGINT/SIGTERM, systemd's stop) or runs one
 * of the operator's subcommands.
 *
 * @module
 */

import { startApp } from "./lib/app.ts";
import { runVerify } from "./lib/commands/verify.ts";
import { type Config, ConfigError, loadConfig } from "./lib/config.ts";
import { createLogger, fileSink, stderrSink } from "./lib/log.ts";

const USAGE = `usage: lora-bot [command]
  start    run the bot (the default)
  verify   check the token ledger in DATA_DIR/balances.db`;

const print = (line: string) => stderrSink(line, "info");

async function start(config: Config): Promise<number> {
  const log = createLogger({
    level: config.logLevel,
    secrets: config.botToken ? [config.botToken] : [],
    sink: config.logFile ? fileSink(config.logFile) : stderrSink,
  });
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
  if (command !== "start" && command !== "verify") {
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
  if (command === "verify") return runVerify(config, print, Date.now());
  return await start(config);
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}

/**
 * lora-bot: the composition root. Reads the configuration, starts the bot
 * and stops it cleanly on SIGINT/SIGTERM (systemd's stop).
 *
 * Usage: lora-bot [start]
 *
 * @module
 */

import { startApp } from "./lib/app.ts";
import { ConfigError, loadConfig } from "./lib/config.ts";
import {
  createLogger,
  describeError,
  fileSink,
  stderrSink,
} from "./lib/log.ts";

const USAGE = "usage: lora-bot [start]";

async function main(args: string[]): Promise<number> {
  const command = args[0] ?? "start";
  if (command === "--help" || command === "-h" || command === "help") {
    stderrSink(USAGE, "info");
    return 0;
  }
  if (command !== "start") {
    stderrSink(`lora-bot: unknown command "${command}"\n${USAGE}`, "error");
    return 2;
  }
  let config;
  try {
    config = loadConfig(Deno.env.toObject());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    stderrSink(`lora-bot: ${error.message}`, "error");
    return 2;
  }
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
    log.error("lora-bot stopped on an error", { error: describeError(error) });
    return 1;
  }
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}

/**
 * lora-bot: the entry point. Parses the command line (lib/commands/cli.ts)
 * and starts the bot, stopping it cleanly on SIGINT/SIGTERM (systemd's
 * stop).
 *
 * @module
 */

import { type App, startApp } from "./lib/app/mod.ts";
import { runCli } from "./lib/commands/mod.ts";
import type { Config } from "./lib/config/mod.ts";
import { consoleSink, loggerFor } from "./lib/log.ts";

// systemd sets JOURNAL_STREAM when stdout/stderr go to the journal: lines
// then carry their syslog priority, so `journalctl -p err` finds errors.
const journal = Deno.env.get("JOURNAL_STREAM") !== undefined;
const encoder = new TextEncoder();

async function start(config: Config): Promise<number> {
  const log = loggerFor(config, consoleSink(journal));
  let app: App;
  try {
    app = await startApp(config, { log });
  } catch (error) {
    log.error("lora-bot stopped on an error", { error });
    return 1;
  }
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => {
      log.info("signal received", { signal });
      app.stop().then(() => Deno.exit(0));
    });
  }
  // A lost leadership ends polling with an error: exit non-zero, and
  // systemd starts this instance again, as a standby.
  try {
    await app.polling;
    return 0;
  } catch (error) {
    log.error("lora-bot stopped on an error", { error });
    return 1;
  } finally {
    await app.stop();
  }
}

if (import.meta.main) {
  Deno.exit(
    await runCli(Deno.args, {
      env: Deno.env.toObject(),
      out: (line) => Deno.stdout.writeSync(encoder.encode(line + "\n")),
      err: consoleSink(journal),
      start,
    }),
  );
}

/**
 * The command-line adapter's public face: `runCli` dispatches the
 * subcommands (verify, backup, animate, check) and returns undefined when
 * argv asks for the bot itself.
 *
 * @module
 */

export { runCli } from "./cli.ts";

/**
 * The bot under load, alone in its own process so that its memory is not
 * mixed with the fakes' (which hold whole videos): starts the real app
 * from the environment, samples its RSS every 50 ms and the event loop's
 * lateness every 10 ms, prints `ready`, and on a `stop` line from stdin
 * stops the app and prints its figures as one JSON line.
 *
 * Run by bench/load_bench.ts; not meant to be started by hand.
 */

import { startApp } from "../lib/app/mod.ts";
import { loadConfig } from "../lib/config/mod.ts";
import { createLogger } from "../lib/log.ts";

const RSS_EVERY_MS = 50;
const TICK_MS = 10;

const config = loadConfig(Deno.env.toObject());
const levels: Record<string, number> = {};
const firstLines: string[] = [];
const log = createLogger({
  level: "warn",
  secrets: [config.botToken ?? ""],
  sink: (line, level) => {
    levels[level] = (levels[level] ?? 0) + 1;
    if (firstLines.length < 5) firstLines.push(line.slice(0, 300));
  },
});

let peakRss = Deno.memoryUsage().rss;
const rssTimer = setInterval(() => {
  peakRss = Math.max(peakRss, Deno.memoryUsage().rss);
}, RSS_EVERY_MS);
// [ms since ready, lateness in ms]; before ready: startup, not counted.
const lags: [number, number][] = [];
let readyAt = Number.POSITIVE_INFINITY;
let last = performance.now();
const lagTimer = setInterval(() => {
  const now = performance.now();
  if (now >= readyAt) {
    lags.push([now - readyAt, Math.max(0, now - last - TICK_MS)]);
  }
  last = now;
}, TICK_MS);

// Each Bot API request carries the moment it left the bot, so that the
// fake Telegram's 429s can be told apart: calls sent too close together
// (the bot's fault) or sent far enough apart but stamped late (the fake's).
const telegramRoot = config.telegramApiRoot;
const stampedFetch: typeof fetch = (input, init) => {
  if (typeof input !== "string" || !input.startsWith(telegramRoot)) {
    return fetch(input, init);
  }
  const headers = new Headers(init?.headers);
  headers.set("x-sent-at", String(performance.timeOrigin + performance.now()));
  return fetch(input, { ...init, headers });
};

const app = await startApp(config, { log, fetch: stampedFetch });
const write = (text: string) =>
  Deno.stdout.writeSync(new TextEncoder().encode(text + "\n"));
const idleRss = Deno.memoryUsage().rss;
readyAt = performance.now();
write("ready");

// Bounded by the parent: it always sends `stop` or closes stdin.
const decoder = new TextDecoder();
let input = "";
for await (const chunk of Deno.stdin.readable) {
  input += decoder.decode(chunk);
  if (input.includes("stop")) break;
}
clearInterval(rssTimer);
clearInterval(lagTimer);
await app.stop();
write(JSON.stringify({
  idleRss,
  peakRss,
  lags,
  readyEpoch: performance.timeOrigin + readyAt,
  logs: levels,
  firstLines,
}));

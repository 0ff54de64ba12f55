/**
 * Load: many users send a photo at once; the real bot (its own process,
 * bench/bot_process.ts, with Telegram's limits at their production
 * defaults) renders them on several fake ComfyUI servers (plain ComfyUI,
 * `kind=core`: websocket, then the video downloaded from `/view`, the path
 * big files take) and delivers them to a fake Telegram that answers 429
 * over Telegram's limits. Figures, each next to a baseline from the same
 * run:
 *
 * - jobs per minute, against the ceiling the servers allow
 *   (servers × 60 s / render time);
 * - 429 answers (goal 0);
 * - the bot's peak RSS, against its own RSS when idle, and then for a
 *   smaller run with growing videos (is it flat?);
 * - event-loop lateness of a 10 ms timer, against the idle bot's;
 * - for each 429, which limit refused it and whether the bot really sent
 *   too close (its `x-sent-at` stamps) or the fake stamped late
 *   (bench/pacing_report.ts).
 *
 * Usage: deno task bench, or
 *   deno run --allow-net=127.0.0.1 --allow-read --allow-write --allow-env \
 *     --allow-run --allow-sys=systemMemoryInfo bench/load_bench.ts \
 *     [--users 200] [--sweep-users 20] [--sweep-sizes 1,10,25,45]
 *   (`--users 0` skips the main run, `--sweep-sizes ""` the sweep,
 *   `--no-v8-baseline` the main run again without deno.json's V8 flags)
 */

import { FakeTelegram } from "../tests/fakes/telegram/mod.ts";
import { SAMPLE_JPEG } from "../tests/fixtures/media.ts";
import { spawnBot, V8_FLAGS } from "./bot_child.ts";
import { startComfyWorker } from "./comfy_worker.ts";
import { type PacingReport, pacingReport } from "./pacing_report.ts";
import {
  lagSampler,
  lineReader,
  note,
  percentile,
  printReport,
  round,
  waitUntil,
} from "./common.ts";

const MB = 1024 * 1024;
const SERVERS = 4;
const RENDER_MS = 2000;
const IDLE_MS = 1000;
function arg(name: string, fallback: string): string {
  const at = Deno.args.indexOf(name);
  return at >= 0 ? Deno.args[at + 1] ?? fallback : fallback;
}

/** What the bot process reports when stopped. */
interface ChildReport {
  idleRss: number;
  peakRss: number;
  lags: [number, number][];
  readyEpoch: number;
  logs: Record<string, number>;
  firstLines: string[];
}

/** One run's figures. */
export interface LoadRun {
  users: number;
  videoMB: number;
  seconds: number;
  jobsPerMinute: number;
  ceilingJobsPerMinute: number;
  answers429: number;
  failedSends: number;
  idleRssMB: number;
  peakRssMB: number;
  lagIdleP99Ms: number;
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
  botWarnings: Record<string, number>;
  pacing: PacingReport;
}

const SLACK_MS = 200;

function mb(bytes: number): number {
  return round(bytes / MB, 1);
}

async function runLoad(
  users: number,
  videoBytes: number,
  v8Flags: readonly string[] = V8_FLAGS,
): Promise<LoadRun> {
  const telegram = await FakeTelegram.start({
    recordFileBytes: false,
    // 200 ms of slack: both processes' event loops jitter the arrival times.
    rateLimit: { slackMs: SLACK_MS },
  });
  // In a worker: serving videos would delay the fake Telegram's stamps.
  const comfies = await startComfyWorker({
    servers: SERVERS,
    renderMs: RENDER_MS,
    videoBytes,
  });
  const dataDir = await Deno.makeTempDir({ prefix: "lora-bench-load-" });
  const child = spawnBot({
    BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    COMFYUI_URLS: comfies.urls.map((url) => `${url};kind=core;concurrency=1`)
      .join(","),
    DATA_DIR: dataDir,
    DEFAULT_TOKENS: "1000",
    MAX_ACTIVE_JOBS_PER_USER: "2",
  }, v8Flags);
  const readLine = lineReader(child.stdout);
  // The fakes' own event loop: a late arrival stamp shows here.
  const fakeLag = lagSampler();
  const stdin = child.stdin.getWriter();
  try {
    const ready = await readLine(30_000);
    if (ready !== "ready") throw new Error(`bot process said "${ready}"`);
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    const start = performance.now();
    fakeLag.start();
    for (let i = 0; i < users; i++) {
      const user = telegram.user(500_000 + i, { language_code: "en" });
      telegram.sendPhoto(user, SAMPLE_JPEG, { width: 1280, height: 960 });
    }
    const delivered = () =>
      telegram.callsOf("sendVideo").filter((c) => c.error === undefined)
        .length;
    const rounds = Math.ceil(users / SERVERS);
    await waitUntil(
      () => delivered() >= users,
      rounds * RENDER_MS * 3 + 60_000,
      `${users} videos`,
    );
    const seconds = (performance.now() - start) / 1000;
    fakeLag.stop();
    await stdin.write(new TextEncoder().encode("stop\n"));
    const report = JSON.parse(await readLine(60_000)) as ChildReport;
    const idle = report.lags.filter(([t]) => t < IDLE_MS).map(([, l]) => l);
    const busy = report.lags.filter(([t]) => t >= IDLE_MS).map(([, l]) => l);
    return {
      users,
      videoMB: mb(videoBytes),
      seconds: round(seconds, 1),
      jobsPerMinute: round(users / seconds * 60, 1),
      ceilingJobsPerMinute: SERVERS * 60_000 / RENDER_MS,
      answers429: telegram.rateLimited,
      failedSends: telegram.calls.filter((c) => c.error !== undefined).length,
      idleRssMB: mb(report.idleRss),
      peakRssMB: mb(report.peakRss),
      lagIdleP99Ms: round(percentile(idle, 99)),
      lagP50Ms: round(percentile(busy, 50)),
      lagP99Ms: round(percentile(busy, 99)),
      lagMaxMs: round(Math.max(...busy)),
      botWarnings: report.logs,
      pacing: pacingReport(telegram.calls, telegram.refusals, {
        windowMs: 1000 - SLACK_MS,
        perSecond: 30,
        fakeLags: fakeLag.samples,
        botLags: report.lags.map(([t, lag]) => [report.readyEpoch + t, lag]),
      }),
    };
  } finally {
    fakeLag.stop();
    await stdin.close().catch(() => {});
    // Bounded: the child stops once stdin is closed; killed if it hangs.
    const killer = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch {
        // already gone
      }
    }, 60_000);
    await child.status;
    clearTimeout(killer);
    await comfies.close();
    await telegram.close();
    await Deno.remove(dataDir, { recursive: true });
  }
}

if (import.meta.main) {
  const users = Number(arg("--users", "200"));
  const sweepUsers = Number(arg("--sweep-users", "20"));
  const sizes = arg("--sweep-sizes", "1,10,25,45").split(",")
    .filter((size) => size !== "").map(Number);
  let main: LoadRun | undefined;
  let defaultV8: LoadRun | undefined;
  if (users > 0) {
    note(`load: ${users} users, ${SERVERS} servers, 10 MB videos`);
    main = await runLoad(users, 10 * MB);
    if (V8_FLAGS.length > 0 && !Deno.args.includes("--no-v8-baseline")) {
      note(`load: the same without ${V8_FLAGS.join(" ")}`);
      defaultV8 = await runLoad(users, 10 * MB, []);
    }
  }
  const sweep: LoadRun[] = [];
  for (const size of sizes) {
    note(`load: sweep, ${sweepUsers} users, ${size} MB videos`);
    sweep.push(await runLoad(sweepUsers, size * MB));
  }
  const base = sweep[0];
  printReport("load", {
    servers: SERVERS,
    renderMs: RENDER_MS,
    backend: "core (websocket, video from /view)",
    v8Flags: V8_FLAGS,
    main,
    withoutV8Flags: defaultV8 && {
      peakRssMB: defaultV8.peakRssMB,
      jobsPerMinute: defaultV8.jobsPerMinute,
      lagP99Ms: defaultV8.lagP99Ms,
      answers429: defaultV8.answers429,
    },
    jobsPerMinuteRatio: main &&
      round(main.jobsPerMinute / main.ceilingJobsPerMinute, 2),
    sweep: sweep.map((run) => ({
      videoMB: run.videoMB,
      peakRssMB: run.peakRssMB,
      ratioToSmallest: base && round(run.peakRssMB / base.peakRssMB, 2),
      answers429: run.answers429,
      jobsPerMinute: run.jobsPerMinute,
      pacing: run.pacing,
    })),
  });
}

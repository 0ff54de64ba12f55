/**
 * The ComfyUI-Connect path with 8 jobs at once (8 servers, one job each):
 *
 * - memory: the bot alone in its process (bench/bot_process.ts) while 8
 *   Connect answers carry the video as base64, for 10 MB and 40 MB
 *   videos: its peak RSS and how it grows with the video. Baseline, same
 *   run: the same 8 answers read the way lora-bot read them before #13
 *   (bench/connect_read_child.ts: the body as one string, then decoded).
 * - overhead: ComfyUI done (the history entry's execution_success time)
 *   to `sendVideo` arriving at Telegram, p50: the video in the answer (a
 *   bare string), and an empty answer (VideoHelperSuite `gifs`) that is
 *   looked up in `/history` and fetched from `/view`. Baselines, same run:
 *   the floor for the direct path (a bare client that awaits the answer
 *   and uploads it), the old bot's method for the fallback (`/history`
 *   every 3 s).
 *
 * Usage: deno task bench, or
 *   deno run --allow-net=127.0.0.1 --allow-read --allow-write --allow-env \
 *     --allow-run --allow-sys=systemMemoryInfo bench/connect_bench.ts
 */

import { startApp } from "../lib/app/mod.ts";
import { decodeBase64, encodeBase64 } from "../lib/comfy/base64.ts";
import { loadConfig } from "../lib/config/mod.ts";
import { createLogger } from "../lib/log.ts";
import type { ConnectMode } from "../tests/fakes/comfyui/mod.ts";
import { FakeTelegram } from "../tests/fakes/telegram/mod.ts";
import { SAMPLE_JPEG } from "../tests/fixtures/media.ts";
import { startComfyWorker } from "./comfy_worker.ts";
import {
  benchChild,
  lineReader,
  note,
  printReport,
  round,
  startFlags,
  waitUntil,
} from "./common.ts";
import { oldBot } from "./delivery_bench.ts";
import { historyOver, overheads, type Summary, summary } from "./overhead.ts";

const JOBS = 8;
const RENDER_MS = 2500;
const MB = 1024 * 1024;
const HERE = new URL(".", import.meta.url).pathname;
// The bot's memory is measured with the V8 flags of `deno task start`.
const V8_FLAGS = startFlags(
  await Deno.readTextFile(new URL("../deno.json", import.meta.url)),
);

function mb(bytes: number): number {
  return round(bytes / MB, 1);
}

function child(script: string, args: string[], env: Record<string, string>) {
  return benchChild(`${HERE}${script}`, { args, v8Flags: V8_FLAGS, env });
}

// 8 fake Connect servers in a worker: encoding 8 videos as base64 must
// not delay the bot or the fake Telegram's stamps.
function eightServers(videoBytes: number, mode: ConnectMode) {
  return startComfyWorker({
    servers: JOBS,
    renderMs: RENDER_MS,
    videoBytes,
    mode,
  });
}

// 8 users send a photo at once; resolves once each got a video.
async function eightJobs(telegram: FakeTelegram, firstUser: number) {
  for (let i = 0; i < JOBS; i++) {
    const user = telegram.user(firstUser + i, { language_code: "en" });
    telegram.sendPhoto(user, SAMPLE_JPEG, { width: 1280, height: 960 });
  }
  await waitUntil(
    () => telegram.callsOf("sendVideo").length >= JOBS,
    120_000,
    `${JOBS} videos`,
  );
}

// The bot's peak RSS while 8 Connect answers of `videoBytes` arrive.
async function botMemory(videoBytes: number) {
  const telegram = await FakeTelegram.start({ recordFileBytes: false });
  const comfies = await eightServers(videoBytes, "direct");
  const dataDir = await Deno.makeTempDir({ prefix: "lora-bench-connect-" });
  const bot = child("bot_process.ts", [], {
    BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    COMFYUI_URLS: comfies.urls.map((url) => `${url};kind=connect`).join(","),
    DATA_DIR: dataDir,
    DEFAULT_TOKENS: "1000",
  });
  const readLine = lineReader(bot.stdout);
  const stdin = bot.stdin.getWriter();
  try {
    if (await readLine(30_000) !== "ready") throw new Error("bot not ready");
    await eightJobs(telegram, 900_000);
    await stdin.write(new TextEncoder().encode("stop\n"));
    const report = JSON.parse(await readLine(60_000));
    return { idleRssMB: mb(report.idleRss), peakRssMB: mb(report.peakRss) };
  } finally {
    await stdin.close().catch(() => {});
    await bot.status;
    await comfies.close();
    await telegram.close();
    await Deno.remove(dataDir, { recursive: true });
  }
}

// The same answers read the old way, in a process of its own.
async function oldReadMemory(videoBytes: number) {
  const comfies = await eightServers(videoBytes, "direct");
  const dir = await Deno.makeTempDir({ prefix: "lora-bench-oldread-" });
  try {
    const reader = child("connect_read_child.ts", [
      comfies.urls.join(","),
      dir,
    ], {});
    await reader.stdin.close();
    const report = JSON.parse(await lineReader(reader.stdout)(120_000));
    await reader.status;
    return { idleRssMB: mb(report.idleRss), peakRssMB: mb(report.peakRss) };
  } finally {
    await comfies.close();
    await Deno.remove(dir, { recursive: true });
  }
}

// ComfyUI done → sendVideo for the bot, 8 jobs at once on 8 servers
// (in a worker: encoding 8 videos as base64 must not delay the bot).
async function botOverhead(
  mode: ConnectMode,
  videoBytes = 0,
): Promise<Summary> {
  const telegram = await FakeTelegram.start({ recordFileBytes: false });
  const comfies = await eightServers(videoBytes, mode);
  const dataDir = await Deno.makeTempDir({ prefix: "lora-bench-connect-" });
  const app = await startApp(
    loadConfig({
      BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      COMFYUI_URLS: comfies.urls.map((url) => `${url};kind=connect`).join(","),
      DATA_DIR: dataDir,
      DEFAULT_TOKENS: "1000",
    }),
    { log: createLogger({ level: "error", sink: () => {} }) },
  );
  try {
    await eightJobs(telegram, 910_000);
    const history = await historyOver(comfies.urls);
    return summary(overheads(telegram, history, "sendVideo"));
  } finally {
    await app.stop();
    await comfies.close();
    await telegram.close();
    await Deno.remove(dataDir, { recursive: true });
  }
}

// The floor of the direct path: await the whole answer, decode, upload.
async function floorOverhead(videoBytes = 0): Promise<Summary> {
  const telegram = await FakeTelegram.start({ recordFileBytes: false });
  const comfies = await eightServers(videoBytes, "direct");
  try {
    await Promise.all(comfies.urls.map(async (url, i) => {
      const chat = 920_000 + i;
      telegram.user(chat);
      const name = `input_telegram_${chat}_1.jpg`;
      const answer = await (await fetch(
        `${url}/api/connect/workflows/api-video`,
        {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            image: {
              image: { type: "file", content: encodeBase64(SAMPLE_JPEG), name },
            },
          }),
        },
      )).json();
      const form = new FormData();
      form.append("chat_id", String(chat));
      form.append(
        "video",
        new Blob([decodeBase64(answer.result.output).slice()]),
        "video.mp4",
      );
      const sent = await fetch(
        `${telegram.apiRoot}/bot${telegram.token}/sendVideo`,
        { method: "POST", body: form },
      );
      await sent.body?.cancel();
    }));
    const history = await historyOver(comfies.urls);
    return summary(overheads(telegram, history, "sendVideo"));
  } finally {
    await comfies.close();
    await telegram.close();
  }
}

if (import.meta.main) {
  const memory = [];
  for (const megabytes of [10, 40]) {
    note(`connect: bot memory, ${JOBS} jobs, ${megabytes} MB videos`);
    const bot = await botMemory(megabytes * MB);
    note(`connect: old read, ${JOBS} answers, ${megabytes} MB videos`);
    const old = await oldReadMemory(megabytes * MB);
    memory.push({ videoMB: megabytes, loraBot: bot, baselineOldRead: old });
  }
  const [small, large] = memory;
  note("connect: overhead, direct answers");
  const direct = await botOverhead("direct");
  const floor = await floorOverhead();
  note("connect: overhead, direct answers, 10 MB videos");
  const direct10 = await botOverhead("direct", 10 * MB);
  const floor10 = await floorOverhead(10 * MB);
  note("connect: overhead, empty answers (fallback)");
  const fallback = await botOverhead("history");
  const old = await oldBot(JOBS);
  printReport("connect", {
    jobs: JOBS,
    renderMs: RENDER_MS,
    memory,
    peakRssGrowth10To40: {
      loraBot: round(
        (large?.loraBot.peakRssMB ?? 0) / (small?.loraBot.peakRssMB ?? 1),
        2,
      ),
      baselineOldRead: round(
        (large?.baselineOldRead.peakRssMB ?? 0) /
          (small?.baselineOldRead.peakRssMB ?? 1),
        2,
      ),
    },
    direct: {
      video: "SAMPLE_MP4 (11 KB)",
      loraBot: direct,
      baselineFloor: floor,
    },
    direct10MB: { loraBot: direct10, baselineFloor: floor10 },
    fallback: { loraBot: fallback, baselineOldBot: old.toSendVideo },
    ratioFallbackP50ToOldBot: round(fallback.p50Ms / old.toSendVideo.p50Ms, 3),
  });
}

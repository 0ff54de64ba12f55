/**
 * Delivery overhead: from ComfyUI finishing a render (the execution_success
 * timestamp of its history entry) to the `sendVideo` request arriving at
 * Telegram (the fake stamps it before reading the upload), p50 and p99.
 *
 * - lora-bot: the real app in this process, plain ComfyUI (`kind=core`:
 *   websocket, then `/view`) on several servers, once with Telegram's
 *   per-chat pace at its production default (1 s) and once with it nearly
 *   off, to tell the pipeline from the pacing. The bot has learned the
 *   render time (processing_stats.json), as a bot in service has.
 * - baseline, same run: the old bot's method, implemented below: POST to
 *   ComfyUI-Connect (answer without the video: VideoHelperSuite output),
 *   then `/history` every 3 s until the job is there, `/view`, `sendVideo`.
 *
 * Usage: deno task bench, or
 *   deno run --allow-net=127.0.0.1 --allow-read --allow-write --allow-env \
 *     --allow-run bench/delivery_bench.ts [--jobs 30] [--baseline-jobs 10]
 */

import { startApp } from "../lib/app/mod.ts";
import { encodeBase64 } from "../lib/comfy/base64.ts";
import { findByInput } from "../lib/comfy/history.ts";
import { inputFileName } from "../lib/comfy/types.ts";
import { loadConfig } from "../lib/config/mod.ts";
import { createLogger } from "../lib/log.ts";
import { FakeComfy } from "../tests/fakes/comfyui/mod.ts";
import { FakeTelegram } from "../tests/fakes/telegram/mod.ts";
import { SAMPLE_JPEG, SAMPLE_MP4 } from "../tests/fixtures/media.ts";
import { note, printReport, round, waitUntil } from "./common.ts";
import { historyOf, overheads, type Summary, summary } from "./overhead.ts";

// Longer than the chat's 1 s turn, as every real render is (minutes).
const RENDER_MS = 2500;
const SERVERS = 6;
// Users arrive one every half second (the servers take 2.4 a second), so
// renders end at different moments as they do in service: six videos
// finishing in the same millisecond would measure Telegram's 30-a-second
// spacing between them, not the delivery path.
const ARRIVAL_MS = 500;
const OLD_POLL_MS = 3000;
const OLD_POLLS = 20;

function arg(name: string, fallback: number): number {
  const at = Deno.args.indexOf(name);
  return at >= 0 ? Number(Deno.args[at + 1]) : fallback;
}

async function newBot(jobs: number, chatInterval: string | undefined) {
  const telegram = await FakeTelegram.start({ recordFileBytes: false });
  const comfies = await Promise.all(
    Array.from(
      { length: SERVERS },
      () => FakeComfy.start({ renderMs: RENDER_MS, mode: "history" }),
    ),
  );
  const dataDir = await Deno.makeTempDir({ prefix: "lora-bench-delivery-" });
  const seconds = RENDER_MS / 1000;
  await Deno.writeTextFile(
    `${dataDir}/processing_stats.json`,
    JSON.stringify({
      times: [seconds, seconds, seconds],
      "times_by_settings": { "10_medium": [seconds, seconds, seconds] },
    }),
  );
  const app = await startApp(
    loadConfig({
      BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      COMFYUI_URLS: comfies.map((c) => `${c.url};kind=core;concurrency=1`)
        .join(","),
      DATA_DIR: dataDir,
      DEFAULT_TOKENS: "1000",
      ...(chatInterval ? { TELEGRAM_CHAT_INTERVAL: chatInterval } : {}),
    }),
    { log: createLogger({ level: "error", sink: () => {} }) },
  );
  try {
    for (let i = 0; i < jobs; i++) {
      const user = telegram.user(700_000 + i, { language_code: "en" });
      telegram.sendPhoto(user, SAMPLE_JPEG, { width: 1280, height: 960 });
      await new Promise((resolve) => setTimeout(resolve, ARRIVAL_MS));
    }
    await waitUntil(
      () => telegram.callsOf("sendVideo").length >= jobs,
      jobs * RENDER_MS * 3 + 60_000,
      `${jobs} videos`,
    );
    return {
      toSendVideo: summary(
        overheads(telegram, historyOf(comfies), "sendVideo"),
      ),
      toFirstCall: summary(overheads(telegram, historyOf(comfies))),
    };
  } finally {
    await app.stop();
    await Promise.all(comfies.map((c) => c.close()));
    await telegram.close();
    await Deno.remove(dataDir, { recursive: true });
  }
}

// The old bot: Connect, then /history every 3 s, /view, sendVideo.
async function oldBotJob(
  comfy: FakeComfy,
  telegram: FakeTelegram,
  chatId: number,
): Promise<void> {
  const clientId = `telegram_${chatId}_${Date.now()}`;
  const name = inputFileName(clientId);
  const run = await fetch(`${comfy.url}/api/connect/workflows/api-video`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      image: {
        image: { type: "file", content: encodeBase64(SAMPLE_JPEG), name },
      },
      // The old bot sent the photo only (its saved workflow takes no more).
      "client_id": clientId,
    }),
  });
  await run.body?.cancel();
  for (let poll = 0; poll < OLD_POLLS; poll++) {
    await new Promise((resolve) => setTimeout(resolve, OLD_POLL_MS));
    const history = await (await fetch(`${comfy.url}/history`)).json();
    const file = findByInput(history, name)?.video;
    if (file === undefined) continue;
    const view = await fetch(
      `${comfy.url}/view?${new URLSearchParams({ ...file })}`,
    );
    const video = new Uint8Array(await view.arrayBuffer());
    const form = new FormData();
    form.append("chat_id", String(chatId));
    form.append("video", new Blob([video]), "video.mp4");
    const sent = await fetch(
      `${telegram.apiRoot}/bot${telegram.token}/sendVideo`,
      { method: "POST", body: form },
    );
    await sent.body?.cancel();
    return;
  }
  throw new Error(`old-bot baseline: no result for ${name}`);
}

/** The old bot's method on `jobs` concurrent jobs (a same-run baseline). */
export async function oldBot(jobs: number): Promise<{ toSendVideo: Summary }> {
  const telegram = await FakeTelegram.start({ recordFileBytes: false });
  const comfy = await FakeComfy.start({
    renderMs: RENDER_MS,
    mode: "history",
    video: SAMPLE_MP4,
  });
  try {
    const chats = Array.from({ length: jobs }, (_, i) => 800_000 + i);
    for (const chat of chats) telegram.user(chat);
    await Promise.all(chats.map((chat) => oldBotJob(comfy, telegram, chat)));
    return {
      toSendVideo: summary(
        overheads(telegram, historyOf([comfy]), "sendVideo"),
      ),
    };
  } finally {
    await comfy.close();
    await telegram.close();
  }
}

if (import.meta.main) {
  const jobs = arg("--jobs", 30);
  const baselineJobs = arg("--baseline-jobs", 10);
  note(`delivery: old-bot baseline, ${baselineJobs} jobs`);
  const baseline = await oldBot(baselineJobs);
  note(`delivery: lora-bot, ${jobs} jobs, production Telegram pace`);
  const production = await newBot(jobs, undefined);
  note(`delivery: lora-bot, ${jobs} jobs, per-chat pace 1 ms`);
  const unpaced = await newBot(jobs, "0.001");
  printReport("delivery", {
    renderMs: RENDER_MS,
    servers: SERVERS,
    arrivalMs: ARRIVAL_MS,
    video: "SAMPLE_MP4 (11 KB), ComfyUI VideoHelperSuite output via /view",
    baselineOldBot: baseline,
    loraBot: production,
    loraBotWithoutChatPace: unpaced,
    ratioP50: round(
      production.toSendVideo.p50Ms / baseline.toSendVideo.p50Ms,
      3,
    ),
    ratioP50WithoutChatPace: round(
      unpaced.toSendVideo.p50Ms / baseline.toSendVideo.p50Ms,
      3,
    ),
  });
}

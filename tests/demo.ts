/**
 * `deno task demo`: the whole bot on embedded defaults, with no bot token
 * and no GPU. It starts the fake Telegram and fake ComfyUI servers from
 * tests/fakes on 127.0.0.1, runs the real bot against them, plays a new user
 * through /start and quick mode, prints the chat as text, and saves the
 * delivered video under DATA_DIR (./data by default) as demo/demo-video.mp4.
 */

import { startApp } from "../lib/app/mod.ts";
import { PreviewRenderer } from "../lib/comfy/preview.ts";
import { ffmpegAvailable } from "../lib/media/mod.ts";
import { VideoSpool } from "../lib/comfy/spool.ts";
import { loadConfig } from "../lib/config/mod.ts";
import { createLogger } from "../lib/log.ts";
import { FakeComfy } from "./fakes/comfyui/mod.ts";
import { type ChatEntry, FakeTelegram } from "./fakes/telegram/mod.ts";
import { SAMPLE_JPEG } from "./fixtures/media.ts";

const encoder = new TextEncoder();
function print(text = ""): void {
  Deno.stdout.writeSync(encoder.encode(text + "\n"));
}

function render(entry: ChatEntry): string {
  const who = entry.from === "bot" ? "🤖 bot" : "👤 you";
  const body = entry.kind === "text"
    ? entry.text ?? ""
    : `[${entry.kind}]${entry.caption ? ` ${entry.caption}` : ""}`;
  const edits = entry.edits > 0 ? ` (edited ${entry.edits}×)` : "";
  const buttons = (entry.buttons ?? []).map((row) =>
    row.map((label) => `[ ${label} ]`).join(" ")
  );
  const lines = body.split("\n").map((line) => `   ${line}`);
  return [`${who}${edits}:`, ...lines, ...buttons.map((b) => `   ${b}`)]
    .join("\n");
}

// Prints each edit of the progress message until the video is sent.
async function showProgress(
  telegram: FakeTelegram,
  done: Promise<unknown>,
): Promise<void> {
  let finished = false;
  done.then(() => finished = true, () => finished = true);
  let after = telegram.lastCallId();
  for (let i = 0; i < 200 && !finished; i++) {
    const edit = await Promise.race([
      telegram.waitForCall("editMessageText", { after, timeoutMs: 60_000 }),
      done.then(() => undefined),
    ]);
    if (edit === undefined) break;
    after = edit.id;
    print(`   ${String(edit.params.text).replace(/\n+/g, "  ")}`);
  }
  print();
}

const dataDir = `${Deno.env.get("DATA_DIR") ?? "./data"}/demo`;
await Deno.remove(dataDir, { recursive: true }).catch(() => {});
await Deno.mkdir(dataDir, { recursive: true });
// Past renders of about 6 s, in the old bot's file format: the progress bar
// and the time left are predicted from them. Long enough for the bar to move
// before it goes quiet for the last 2 s (Telegram's pace, see docs/user-guide.md).
await Deno.writeTextFile(
  `${dataDir}/processing_stats.json`,
  JSON.stringify({
    times: [6.2, 5.9],
    "times_by_settings": { "10_medium": [6.1] },
  }),
);

await using telegram = await FakeTelegram.start();
// With ffmpeg on PATH the "render" is a real zoom-and-pan of the demo photo;
// without it, a sample clip: the demo needs nothing installed either way.
const video = await ffmpegAvailable() ? await demoClip(dataDir) : undefined;
await using comfy = await FakeComfy.start({
  renderMs: 6000,
  ...(video ? { video } : {}),
});
const config = loadConfig({
  BOT_TOKEN: telegram.token,
  TELEGRAM_API_ROOT: telegram.apiRoot,
  COMFYUI_URL: comfy.url,
  DATA_DIR: dataDir,
  PROGRESS_INTERVAL: "0.5",
  LOG_LEVEL: Deno.env.get("LOG_LEVEL") ?? "warn",
});
const log = createLogger({ level: config.logLevel, secrets: [telegram.token] });
const app = await startApp(config, { log });
try {
  print("lora-bot demo: the real bot against fake Telegram and ComfyUI");
  print(`  Telegram: ${telegram.apiRoot}   ComfyUI: ${comfy.url}`);
  print(`  data:     ${dataDir}\n`);
  const user = telegram.user(100_001, {
    first_name: "Анна",
    username: "anna",
    language_code: "ru",
  });
  telegram.sendText(user, "/start");
  await telegram.waitForCall("sendMessage", {
    where: (c) => c.params.reply_markup !== undefined,
  });
  telegram.sendPhoto(user, SAMPLE_JPEG, { width: 320, height: 240 });
  print("… the user sent a photo; the progress message as it is edited:\n");
  const sent = telegram.waitForCall("sendVideo", { timeoutMs: 60_000 });
  await showProgress(telegram, sent);
  await app.runner.idle();
  for (const entry of telegram.chat(user.id)) print(render(entry) + "\n");
  const video = (await sent).files[0]?.bytes;
  if (video !== undefined) {
    await Deno.writeFile(`${dataDir}/demo-video.mp4`, video);
    print(`🎬 video saved: ${dataDir}/demo-video.mp4 (${video.length} bytes)`);
  }
  const account = app.ledger.account(user.id);
  print(
    `💰 balance ${account?.tokens} (held ${account?.held}, spent ${account?.spent}); ` +
      `journal: ${
        app.ledger.journal(user.id).reverse().map((e) =>
          `${e.kind} ${e.amount || -e.heldDelta}`
        ).join(", ")
      }`,
  );
} finally {
  await app.stop();
}

// The zoom-and-pan of the demo photo, as bytes for the fake ComfyUI.
async function demoClip(dir: string): Promise<Uint8Array> {
  const { file } = await new PreviewRenderer({
    tempDir: `${dir}/tmp`,
    spool: new VideoSpool(`${dir}/tmp/demo`),
  }).render({
    clientId: "demo",
    image: SAMPLE_JPEG,
    durationSeconds: 10,
    sizePx: 600,
  });
  try {
    return await Deno.readFile(file.path);
  } finally {
    await file.discard();
  }
}

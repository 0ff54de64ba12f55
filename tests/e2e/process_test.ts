/**
 * The real `lora-bot` process (`deno run main.ts`), as systemd runs it:
 * configuration errors, a whole quick-mode video, and a clean SIGTERM.
 */

import assert from "node:assert/strict";
import { FakeComfy } from "../fakes/comfyui/mod.ts";
import { FakeTelegram } from "../fakes/telegram/mod.ts";
import { SAMPLE_JPEG } from "../fixtures/media.ts";
import { botCommand, processStore } from "./bot_process.ts";

function botProcess(env: Record<string, string>): Deno.Command {
  return botCommand(env);
}

async function runToEnd(env: Record<string, string>) {
  const output = await botProcess(env).output();
  return {
    code: output.code,
    stderr: new TextDecoder().decode(output.stderr),
  };
}

Deno.test("a bad setting stops the bot with exit code 2 and one line", async () => {
  const token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
  const bad = await runToEnd({ BOT_TOKEN: token, TOKENS_PER_VIDEO: "ten" });
  assert.equal(bad.code, 2);
  assert.equal(
    bad.stderr.trim(),
    'lora-bot: TOKENS_PER_VIDEO: "ten" is not a whole number',
  );
  const missing = await runToEnd({});
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^lora-bot: BOT_TOKEN: is required/);
  const malformed = await runToEnd({ BOT_TOKEN: "42:not a token SECRETPART" });
  assert.equal(malformed.code, 2);
  assert.ok(!malformed.stderr.includes("SECRETPART"), malformed.stderr);
});

Deno.test("the bot process delivers a video and stops cleanly on SIGTERM", async () => {
  await using telegram = await FakeTelegram.start();
  await using comfy = await FakeComfy.start({ renderMs: 50 });
  const dataDir = await Deno.makeTempDir({ prefix: "lora-process-" });
  await using store = await processStore(dataDir);
  const child = botProcess({
    BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    COMFYUI_URL: comfy.url,
    DATA_DIR: dataDir,
    PROGRESS_INTERVAL: "0.05",
    LOG_LEVEL: "debug",
    ...store.env,
  }).spawn();
  try {
    const user = telegram.user(77, { first_name: "Ivan", language_code: "ru" });
    telegram.sendPhoto(user, SAMPLE_JPEG);
    const video = await telegram.waitForCall("sendVideo", {
      timeoutMs: 30_000,
    });
    assert.match(String(video.params.caption), /t\.me\/lora_test_bot/);
    await telegram.waitForCall("editMessageText", {
      where: (c) => /Списано/.test(String(c.params.text)),
    });
  } finally {
    child.kill("SIGTERM");
  }
  const output = await child.output();
  const stderr = new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 0, stderr);
  assert.match(stderr, /signal received signal=SIGTERM/);
  assert.match(stderr, /INFO stopped/);
  // DEBUG shows the shape of the ComfyUI exchanges, never their contents:
  // the listing of the old bot's workflow, then a job that sends the photo
  // alone and gets one file back as a bare string.
  assert.match(
    stderr,
    /DEBUG comfyui GET endpoint=127\.0\.0\.1:\d+\/api\/connect\/workflows\/api-video status=200 ms=\d+ bytes=\d+ keys="\{status,workflow:\{name,inputs:\{image:\{…\}\},outputs:\[1\]\}\}"/,
  );
  assert.match(
    stderr,
    /DEBUG comfyui POST endpoint=127\.0\.0\.1:\d+\/api\/connect\/workflows\/api-video sent=\d+ sentKeys="\{image:\{image:\{type,content,name\}\},client_id\}" status=200 ms=\d+ bytes=\d+ keys="\{status,workflow,result:\{output\}\}"/,
  );
  const photo64 = btoa(String.fromCharCode(...SAMPLE_JPEG.slice(0, 48)));
  assert.ok(!stderr.includes(photo64), "base64 in the log");
  assert.ok(
    !stderr.includes(telegram.token.split(":")[1] ?? "?"),
    "token in log",
  );
  try {
    const [row] = await store.all(
      "SELECT tokens, held, videos_created FROM balances WHERE user_id = 77",
    );
    assert.deepEqual({ ...row }, { tokens: 90, held: 0, videos_created: 1 });
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("SIGTERM mid-render leaves the job for the next start, which delivers it", async () => {
  await using telegram = await FakeTelegram.start();
  await using comfy = await FakeComfy.start({ renderMs: 1500 });
  const dataDir = await Deno.makeTempDir({ prefix: "lora-process-" });
  await using store = await processStore(dataDir);
  const env = {
    BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    COMFYUI_URL: comfy.url,
    DATA_DIR: dataDir,
    PROGRESS_INTERVAL: "0.05",
    COMFYUI_HISTORY_INTERVAL: "0.05",
    SHUTDOWN_GRACE: "10",
    ...store.env,
  };
  const readJob = async () => {
    const [job] = await store.all("SELECT state FROM jobs");
    const [account] = await store.all(
      "SELECT tokens, held FROM balances WHERE user_id = 78",
    );
    return {
      state: job?.state,
      tokens: account?.tokens,
      held: account?.held,
    };
  };
  try {
    const first = botProcess(env).spawn();
    const user = telegram.user(78, { first_name: "Olga", language_code: "ru" });
    telegram.sendPhoto(user, SAMPLE_JPEG);
    await comfy.waitForRequest({ timeoutMs: 30_000 });
    const stopAsked = Date.now();
    first.kill("SIGTERM");
    const stopped = await first.output();
    // It does not sit out the grace period for a render ComfyUI keeps doing.
    assert.ok(Date.now() - stopAsked < 5000, "stopped promptly");
    assert.equal(stopped.code, 0, new TextDecoder().decode(stopped.stderr));
    assert.deepEqual(await readJob(), {
      state: "submitted",
      tokens: 90,
      held: 10,
    });

    const second = botProcess(env).spawn();
    try {
      await telegram.waitForCall("sendVideo", { timeoutMs: 30_000 });
      await telegram.waitForCall("editMessageText", {
        where: (c) => /Списано/.test(String(c.params.text)),
      });
    } finally {
      second.kill("SIGTERM");
      await second.output();
    }
    assert.deepEqual(await readJob(), { state: "done", tokens: 90, held: 0 });
    assert.equal(comfy.requests.length, 1, "not rendered twice");
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

/**
 * No secret reaches a log line (text or JSON), a user, /backends, the
 * dashboard or the start error: the bot token (not through a grammY
 * HttpError whose cause holds the request URL, nor a GrammyError whose
 * description repeats it), ComfyUI's `token`, `auth` and URL user info,
 * WEBHOOK_SECRET, the dashboard key and its link tokens.
 */

import assert from "node:assert/strict";
import { Bot, GrammyError, HttpError } from "grammy";
import { startApp } from "../../lib/app/mod.ts";
import { loadConfig } from "../../lib/config/mod.ts";
import { createLogger, loggerFor } from "../../lib/log.ts";
import { retryTransformer } from "../../lib/telegram/retry.ts";
import { systemClock } from "../../lib/clock.ts";
import { SAMPLE_JPEG } from "../fixtures/media.ts";
import { FakeTelegram } from "../fakes/telegram/mod.ts";
import { botCommand } from "./bot_process.ts";
import { type Harness, startHarness } from "./harness.ts";

const TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
const SECRET = TOKEN.split(":")[1] ?? TOKEN;

for (const format of ["text", "json"] as const) {
  Deno.test(`${format} logs: a network HttpError names no token`, async () => {
    // A port nobody listens on: the fetch fails with the URL in its cause.
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (listener.addr as Deno.NetAddr).port;
    listener.close();
    const lines: string[] = [];
    const log = createLogger({
      level: "debug",
      format,
      secrets: [TOKEN, SECRET],
      sink: (line) => lines.push(line),
    });
    const bot = new Bot(TOKEN, {
      client: { apiRoot: `http://127.0.0.1:${port}` },
    });
    bot.api.config.use(retryTransformer({
      clock: systemClock,
      attempts: 1,
      backoffMs: 1,
      onRetry: (event) => log.warn("retrying a Bot API call", { ...event }),
    }));
    const error = await bot.api.sendMessage(1, "hi").catch((e) => e);
    assert.ok(error instanceof HttpError, String(error));
    let cause: unknown = error;
    let chain = "";
    while (cause instanceof Error) {
      chain += cause.message;
      cause = cause.cause ?? (cause as { error?: unknown }).error;
    }
    assert.ok(chain.includes(SECRET), "precondition: the cause names the URL");
    log.error("cannot send", { error, user: 1 });
    log.with({ job: "j1", user: 1 }).warn(`failed: ${error.message}`, {
      cause: error.error,
    });
    assert.ok(lines.some((l) => l.includes("<redacted>")), lines.join("\n"));
    assert.ok(lines.length >= 3);
    for (const line of lines) assert.ok(!line.includes(SECRET), line);
    if (format === "json") {
      for (const line of lines) {
        const parsed = JSON.parse(line);
        assert.equal(typeof parsed.ts, "string");
        assert.equal(typeof parsed.level, "string");
        assert.equal(typeof parsed.msg, "string");
      }
    }
  });

  Deno.test(`${format} logs: a GrammyError repeating the token reaches no log and no user`, async () => {
    await using h = await startHarness({ env: { LOG_FORMAT: format } });
    const user = h.telegram.user(950, {
      first_name: "Kim",
      language_code: "en",
    });
    const secret = h.telegram.token.split(":")[1] ?? h.telegram.token;
    h.telegram.failNext("sendVideo", {
      kind: "error",
      code: 400,
      description: `Bad Request: file of bot${h.telegram.token} is too big`,
    });
    h.telegram.sendPhoto(user, SAMPLE_JPEG);
    await h.telegram.waitForCall("editMessageText", {
      where: (c) => /Telegram did not accept/.test(String(c.params.text)),
    });
    await h.app.runner.idle();
    const failed = h.logs.find((l) => l.includes("job failed"));
    assert.ok(failed, "the failure is logged");
    assert.ok(failed.includes("<redacted>"), failed);
    if (format === "json") {
      const parsed = JSON.parse(failed);
      assert.equal(parsed.level, "error");
      assert.equal(parsed.user, user.id);
      assert.equal(typeof parsed.job, "string");
    }
    for (const line of h.logs) assert.ok(!line.includes(secret), line);
    const texts = h.telegram.calls
      .filter((c) => /^(sendMessage|editMessageText)$/.test(c.method))
      .map((c) => String(c.params.text));
    assert.ok(texts.length > 0);
    for (const text of texts) assert.ok(!text.includes(secret), text);
    // grammY's own error class carried it; only the log layer removed it.
    assert.ok(GrammyError.name === "GrammyError");
  });
}

function deadPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

// A render server that refuses every connection, configured with all three
// kinds of ComfyUI secret; health checks fail with the URL in the cause.
const PASSWORD = "pass-WORD-4567";
const COMFY_TOKEN = "comfy-TOKEN-8910";
const AUTH = "auth-SECRET-1112";

async function backendsText(h: Harness, admin: number): Promise<string> {
  // Health checks run every 50 ms; ask until the server shows down (bounded).
  let text = "";
  for (let i = 0; i < 200 && !/🔴/.test(text); i++) {
    const after = h.telegram.lastCallId();
    h.telegram.sendText(h.telegram.user(admin), "/backends");
    const reply = await h.telegram.waitForCall("sendMessage", {
      where: (c) => c.params.chat_id === admin,
      after,
    });
    text = String(reply.params.text);
  }
  return text;
}

for (
  const [name, secret] of [
    ["token", COMFY_TOKEN],
    ["auth", AUTH],
    ["URL user info", PASSWORD],
  ] as const
) {
  Deno.test(`ComfyUI ${name} reaches no log, /backends or dashboard`, async () => {
    const dead = deadPort();
    await using h = await startHarness({
      env: {
        COMFYUI_URLS: `http://admin:${PASSWORD}@127.0.0.1:${dead};kind=core;` +
          `token=${COMFY_TOKEN};auth=Bearer ${AUTH};name=gpu`,
        COMFYUI_HEALTH_INTERVAL: "0.05",
        ADMIN_USER_IDS: "1001",
        HTTP_PORT: "0",
      },
    });
    const text = await backendsText(h, 1001);
    assert.match(text, /🔴 gpu/);
    // The fetch error names the URL; its query and user info are masked.
    assert.match(text, /<redacted>/);
    assert.ok(!text.includes(secret), text);
    const down = h.logs.find((l) => l.includes("render server is down"));
    assert.ok(down, "the failed check is logged");
    for (const line of h.logs) assert.ok(!line.includes(secret), line);
    const page = await dashboardPage(h, 1001);
    assert.match(page, /gpu/);
    assert.ok(!page.includes(secret), "the dashboard shows no secret");
  });
}

// Opens the dashboard as `admin` (a one-time link by /dashboard); returns
// a getter of its pages.
async function dashboardSession(
  h: Harness,
  admin: number,
): Promise<(path: string) => Promise<string>> {
  const after = h.telegram.lastCallId();
  h.telegram.sendText(h.telegram.user(admin), "/dashboard");
  const reply = await h.telegram.waitForCall("sendMessage", {
    where: (c) => c.params.chat_id === admin,
    after,
  });
  const link = /http:\/\/\S+/.exec(String(reply.params.text))?.[0];
  assert.ok(link, String(reply.params.text));
  const opened = await fetch(link, { redirect: "manual" });
  await opened.body?.cancel();
  const cookie = String(opened.headers.get("set-cookie")).split(";")[0] ?? "";
  const base = `http://127.0.0.1:${h.app.httpPort}`;
  return async (path) =>
    await (await fetch(`${base}${path}`, { headers: { cookie } })).text();
}

async function dashboardPage(h: Harness, admin: number): Promise<string> {
  return await (await dashboardSession(h, admin))("/dashboard");
}

Deno.test("a stored job error quoting a secret is masked on the dashboard", async () => {
  await using h = await startHarness({
    env: { ADMIN_USER_IDS: "1001", HTTP_PORT: "0" },
  });
  const user = h.telegram.user(951, { first_name: "Lu", language_code: "en" });
  const secret = h.telegram.token.split(":")[1] ?? h.telegram.token;
  h.telegram.failNext("sendVideo", {
    kind: "error",
    code: 400,
    description: "Bad Request: wrong file",
  });
  h.telegram.sendPhoto(user, SAMPLE_JPEG);
  await h.telegram.waitForCall("editMessageText", {
    where: (c) => /Telegram did not accept/.test(String(c.params.text)),
  });
  await h.app.runner.idle();
  // Error texts are stored as they were (an older version's row, or a
  // proxy echoing a request): the page masks them.
  await h.sql.run("UPDATE jobs SET error = ?", [
    `http: HTTP 502 for http://gpu/view?token=abc <- bot${h.telegram.token}`,
  ]);
  const [job] = await h.sql.all("SELECT id FROM jobs");
  const page = await (await dashboardSession(h, 1001))(
    `/dashboard/jobs/${String(job?.id)}`,
  );
  assert.match(page, /HTTP 502/);
  assert.match(page, /&lt;redacted&gt;/);
  assert.ok(!page.includes(secret), "the job page shows no token");
  assert.ok(!page.includes("token=abc"), "nor a query string");
});

Deno.test("the dashboard key and link tokens reach no log", async () => {
  await using h = await startHarness({
    env: { ADMIN_USER_IDS: "1001", HTTP_PORT: "0" },
  });
  const page = await dashboardPage(h, 1001);
  assert.match(page, /chart-videos/);
  const key = (await Deno.readTextFile(`${h.dataDir}/dashboard.key`)).trim();
  const link = /http:\/\/\S+/.exec(
    h.telegram.callsOf("sendMessage").map((c) => String(c.params.text))
      .join("\n"),
  )?.[0] ?? "";
  const token = new URL(link).searchParams.get("t") ?? "";
  assert.ok(key.length >= 32 && token.length > 20);
  // Any URL in a log line loses its query: a link logged by mistake too.
  const lines: string[] = [];
  loggerFor(
    { logLevel: "debug", logFormat: "text", botToken: h.telegram.token },
    (line) => lines.push(line),
  ).warn("link", { link, error: new Error(`opening ${link} failed`) });
  for (const line of [...h.logs, ...lines]) {
    assert.ok(!line.includes(key), line);
    assert.ok(!line.includes(token), line);
  }
});

Deno.test("WEBHOOK_SECRET reaches no log when setWebhook fails", async () => {
  const telegram = await FakeTelegram.start();
  const dataDir = await Deno.makeTempDir({ prefix: "lora-secret-" });
  const secret = "webhook-SECRET-0123456789";
  try {
    const config = loadConfig({
      BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      DATA_DIR: dataDir,
      WEBHOOK_URL: "https://bot.example.com/telegram",
      WEBHOOK_SECRET: secret,
      HTTP_PORT: "0",
      COMFYUI_URLS: "preview",
    });
    const lines: string[] = [];
    const log = loggerFor(config, (line) => lines.push(line));
    telegram.failNext("setWebhook", {
      kind: "error",
      code: 400,
      description: `Bad Request: secret ${secret} is not allowed`,
    });
    const error = await startApp(config, { log }).catch((e) => e);
    assert.ok(error instanceof Error);
    assert.ok(String(error.message).includes(secret), "precondition");
    log.error("lora-bot stopped on an error", { error });
    assert.ok(lines.some((l) => l.includes("<redacted>")), lines.join("\n"));
    for (const line of lines) assert.ok(!line.includes(secret), line);
  } finally {
    await telegram.close();
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("a bad COMFYUI_URLS entry names no user:password@ at start", async () => {
  const { code, stderr } = await botCommand({
    BOT_TOKEN: TOKEN,
    COMFYUI_URLS: `http://admin:${PASSWORD}@127.0.0.1:8188;kind=nope;` +
      `token=${COMFY_TOKEN}`,
  }).output();
  const text = new TextDecoder().decode(stderr);
  assert.equal(code, 2, text);
  assert.match(text, /COMFYUI_URLS/);
  assert.ok(!text.includes(PASSWORD), text);
  assert.ok(!text.includes(COMFY_TOKEN), text);
  const unparsable = await botCommand({
    BOT_TOKEN: TOKEN,
    COMFYUI_URLS: `admin:${PASSWORD}@[bad;token=${COMFY_TOKEN}`,
  }).output();
  const text2 = new TextDecoder().decode(unparsable.stderr);
  assert.equal(unparsable.code, 2, text2);
  assert.ok(!text2.includes(PASSWORD), text2);
});

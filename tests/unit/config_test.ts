import assert from "node:assert/strict";
import { ConfigError, loadConfig } from "../../lib/config/mod.ts";

const TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";

Deno.test("loadConfig() applies the documented defaults", () => {
  const config = loadConfig({ BOT_TOKEN: TOKEN });
  assert.equal(config.tokensPerVideo, 10);
  assert.equal(config.defaultTokens, 100);
  assert.equal(config.comfyuiUrl, "http://127.0.0.1:8188");
  assert.equal(config.comfyuiWorkflow, "api-video");
  assert.equal(config.dataDir, "./data");
  assert.equal(config.telegramApiRoot, "https://api.telegram.org");
  assert.equal(config.logLevel, "info");
  assert.equal(config.logFile, undefined);
  assert.equal(config.comfyuiTimeoutMs, 600_000);
  assert.equal(config.historyIntervalMs, 3000);
  assert.equal(config.historyAttempts, 20);
  assert.equal(config.progressIntervalMs, 2000);
  assert.deepEqual(config.comfyuiDurationInput, {
    tag: "duration",
    input: "value",
  });
  assert.deepEqual(config.adminUserIds, []);
});

Deno.test("loadConfig() reads ADMIN_USER_IDS and the old ADMIN_USER_ID", () => {
  assert.deepEqual(
    loadConfig({ BOT_TOKEN: TOKEN, ADMIN_USER_IDS: " 1, 2,2 ,3" })
      .adminUserIds,
    [1, 2, 3],
  );
  assert.deepEqual(
    loadConfig({ BOT_TOKEN: TOKEN, ADMIN_USER_ID: "423721043" }).adminUserIds,
    [423721043],
  );
  // The old bot's default of 0 meant "no admin".
  assert.deepEqual(
    loadConfig({ BOT_TOKEN: TOKEN, ADMIN_USER_ID: "0" }).adminUserIds,
    [],
  );
});

Deno.test("loadConfig() maps DEBUG=true to the debug level", () => {
  assert.equal(
    loadConfig({ BOT_TOKEN: TOKEN, DEBUG: "true" }).logLevel,
    "debug",
  );
  assert.equal(
    loadConfig({ BOT_TOKEN: TOKEN, LOG_LEVEL: "WARN" }).logLevel,
    "warn",
  );
});

Deno.test("loadConfig() names the variable with a bad value", () => {
  const cases: [Record<string, string>, string][] = [
    [{ TOKENS_PER_VIDEO: "ten" }, "TOKENS_PER_VIDEO"],
    [{ TOKENS_PER_VIDEO: "0" }, "TOKENS_PER_VIDEO"],
    [{ DEFAULT_TOKENS: "-5" }, "DEFAULT_TOKENS"],
    [{ COMFYUI_URL: "ftp://x" }, "COMFYUI_URL"],
    [{ COMFYUI_URL: "not a url" }, "COMFYUI_URL"],
    [{ COMFYUI_WORKFLOW: "../etc" }, "COMFYUI_WORKFLOW"],
    [{ TELEGRAM_API_ROOT: "api.telegram.org" }, "TELEGRAM_API_ROOT"],
    [{ LOG_LEVEL: "loud" }, "LOG_LEVEL"],
    [{ ADMIN_USER_IDS: "12,abc" }, "ADMIN_USER_IDS"],
    [{ COMFYUI_TIMEOUT: "0" }, "COMFYUI_TIMEOUT"],
    [{ COMFYUI_DURATION_INPUT: "duration" }, "COMFYUI_DURATION_INPUT"],
  ];
  for (const [env, variable] of cases) {
    assert.throws(
      () => loadConfig({ BOT_TOKEN: TOKEN, ...env }),
      (error: unknown) =>
        error instanceof ConfigError && error.variable === variable &&
        error.message.startsWith(`${variable}: `),
      JSON.stringify(env),
    );
  }
});

Deno.test("loadConfig() never echoes a malformed BOT_TOKEN", () => {
  const secret = "12345:bad token XYZZY";
  assert.throws(
    () => loadConfig({ BOT_TOKEN: secret }),
    (error: unknown) =>
      error instanceof ConfigError && error.variable === "BOT_TOKEN" &&
      !error.message.includes("XYZZY"),
  );
  assert.throws(() => loadConfig({}), /BOT_TOKEN: is required/);
  assert.equal(loadConfig({}, false).botToken, undefined);
});

Deno.test("loadConfig() lets an operator switch the extra inputs off", () => {
  const config = loadConfig({
    BOT_TOKEN: TOKEN,
    COMFYUI_DURATION_INPUT: "off",
    COMFYUI_SIZE_INPUT: "len.px",
  });
  assert.equal(config.comfyuiDurationInput, undefined);
  assert.deepEqual(config.comfyuiSizeInput, { tag: "len", input: "px" });
  assert.equal(
    loadConfig({ BOT_TOKEN: TOKEN, COMFYUI_URL: "https://gpu.example/" })
      .comfyuiUrl,
    "https://gpu.example",
  );
});

import assert from "node:assert/strict";
import { ConfigError, loadConfig } from "../../lib/config/mod.ts";

const TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";

Deno.test("loadConfig() defaults: polling, no HTTP server, Telegram's limits", () => {
  const config = loadConfig({ BOT_TOKEN: TOKEN });
  assert.equal(config.webhookUrl, undefined);
  assert.equal(config.httpPort, undefined);
  assert.equal(config.httpHost, "127.0.0.1");
  assert.equal(config.logFormat, "text");
  assert.equal(config.telegramRate, 30);
  assert.equal(config.telegramChatIntervalMs, 1000);
  assert.equal(config.telegramGroupRate, 20);
});

Deno.test("loadConfig() requires a well-formed WEBHOOK_SECRET with WEBHOOK_URL", () => {
  const url = "https://bot.example.com/telegram";
  assert.throws(
    () => loadConfig({ BOT_TOKEN: TOKEN, WEBHOOK_URL: url }),
    (e) => e instanceof ConfigError && e.variable === "WEBHOOK_SECRET",
  );
  assert.throws(
    () =>
      loadConfig({
        BOT_TOKEN: TOKEN,
        WEBHOOK_URL: url,
        WEBHOOK_SECRET: "has space SECRETPART",
      }),
    (e) =>
      e instanceof ConfigError && e.variable === "WEBHOOK_SECRET" &&
      !e.message.includes("SECRETPART"),
  );
  assert.throws(
    () =>
      loadConfig({
        BOT_TOKEN: TOKEN,
        WEBHOOK_URL: "http://bot.example.com/telegram",
        WEBHOOK_SECRET: "abcdefghijklmnop",
      }),
    (e) => e instanceof ConfigError && e.variable === "WEBHOOK_URL",
  );
  const ok = loadConfig({
    BOT_TOKEN: TOKEN,
    WEBHOOK_URL: url,
    WEBHOOK_SECRET: "a".repeat(256),
  });
  assert.equal(ok.webhookUrl, url);
  assert.throws(
    () =>
      loadConfig({
        BOT_TOKEN: TOKEN,
        WEBHOOK_URL: url,
        WEBHOOK_SECRET: "a".repeat(257),
      }),
    ConfigError,
  );
  // Shorter than 16: named, never echoed.
  assert.throws(
    () =>
      loadConfig({
        BOT_TOKEN: TOKEN,
        WEBHOOK_URL: url,
        WEBHOOK_SECRET: "SECRETPART12345",
      }),
    (e) =>
      e instanceof ConfigError && e.variable === "WEBHOOK_SECRET" &&
      /16-256/.test(e.message) && !e.message.includes("SECRETPART"),
  );
  assert.equal(
    loadConfig({
      BOT_TOKEN: TOKEN,
      WEBHOOK_URL: url,
      WEBHOOK_SECRET: "a".repeat(16),
    }).webhookSecret,
    "a".repeat(16),
  );
});

Deno.test("loadConfig() refuses a throttle that is off and bad ports or formats", () => {
  for (
    const [name, value] of [
      ["TELEGRAM_CHAT_INTERVAL", "0"],
      ["TELEGRAM_RATE", "0"],
      ["TELEGRAM_GROUP_RATE", "0"],
      ["HTTP_PORT", "70000"],
      ["LOG_FORMAT", "xml"],
    ]
  ) {
    assert.throws(
      () => loadConfig({ BOT_TOKEN: TOKEN, [name as string]: value }),
      (e) => e instanceof ConfigError && e.variable === name,
      name,
    );
  }
  assert.equal(
    loadConfig({ BOT_TOKEN: TOKEN, HTTP_PORT: "9100" }).httpPort,
    9100,
  );
  assert.equal(
    loadConfig({ BOT_TOKEN: TOKEN, LOG_FORMAT: "JSON" }).logFormat,
    "json",
  );
});

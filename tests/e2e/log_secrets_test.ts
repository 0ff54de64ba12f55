/**
 * The bot token never reaches a log line (text or JSON) or a user: not
 * through a grammY HttpError whose cause holds the request URL, nor through
 * a GrammyError whose description repeats it.
 */

import assert from "node:assert/strict";
import { Bot, GrammyError, HttpError } from "grammy";
import { createLogger } from "../../lib/log.ts";
import { retryTransformer } from "../../lib/telegram/retry.ts";
import { systemClock } from "../../lib/clock.ts";
import { SAMPLE_JPEG } from "../fixtures/media.ts";
import { startHarness } from "./harness.ts";

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

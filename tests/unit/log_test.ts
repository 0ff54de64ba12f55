import assert from "node:assert/strict";
import { createLogger, describeError, redact } from "../../lib/log.ts";
import { secretsOf } from "../../lib/secrets.ts";

const TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";

Deno.test("createLogger() masks the token in messages, fields and causes", () => {
  const lines: string[] = [];
  const log = createLogger({
    level: "debug",
    secrets: [TOKEN],
    sink: (line) => lines.push(line),
  });
  const cause = new TypeError(
    `error sending request for url (https://api.telegram.org/bot${TOKEN}/getUpdates)`,
  );
  log.error(`failed ${TOKEN}`, {
    error: new Error("Network request for 'getUpdates' failed!", { cause }),
    url: `https://api.telegram.org/file/bot${TOKEN}/photos/1.jpg`,
  });
  assert.equal(lines.length, 1);
  assert.ok(!lines[0]?.includes(TOKEN), lines[0]);
  assert.ok(!lines[0]?.includes("AAHdqTcvCH1v"), lines[0]);
  assert.match(lines[0] ?? "", /<redacted>/);
  assert.match(lines[0] ?? "", /getUpdates/);
});

Deno.test("createLogger() drops lines below its level and adds context", () => {
  const lines: string[] = [];
  const log = createLogger({ level: "info", sink: (l) => lines.push(l) })
    .with({ job: "telegram_1_2" });
  log.debug("hidden");
  log.info("shown", { user: 1 });
  assert.deepEqual(lines, ["INFO shown job=telegram_1_2 user=1"]);
});

Deno.test("describeError() follows the cause chain", () => {
  const error = new Error("outer", { cause: new RangeError("inner") });
  assert.equal(describeError(error), "Error: outer <- RangeError: inner");
  assert.equal(redact("a-secret-b", ["secret"]), "a-<redacted>-b");
});

Deno.test("redact() masks URL user info and query strings, even unlisted", () => {
  const cause = "error sending request for url " +
    "(http://bob:hunter2-pw@gpu.example:8188/view?filename=a.mp4&token=t0p)";
  const out = redact(`failed <- ${cause}`, []);
  assert.equal(
    out,
    "failed <- error sending request for url " +
      "(http://<redacted>@gpu.example:8188/view?<redacted>)",
  );
  assert.equal(
    redact("see https://x.test/a, ok", []),
    "see https://x.test/a, ok",
  );
});

Deno.test("secretsOf() lists every configured secret, longest first", () => {
  const secrets = secretsOf({
    botToken: TOKEN,
    webhookSecret: "webhook-secret-0123",
    comfyuiServers: [
      { headers: { authorization: "Bearer abc123xyz" }, token: "tok-9876" },
      { headers: {}, token: undefined },
    ],
  });
  for (
    const secret of [
      TOKEN,
      "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",
      "webhook-secret-0123",
      "Bearer abc123xyz",
      "abc123xyz",
      "tok-9876",
    ]
  ) assert.ok(secrets.includes(secret), secret);
  assert.equal(secrets[0], TOKEN);
  const lines: string[] = [];
  createLogger({ level: "info", secrets, sink: (l) => lines.push(l) })
    .info("proxy said: bad key abc123xyz for webhook-secret-0123");
  assert.equal(
    lines[0],
    "INFO proxy said: bad key <redacted> for <redacted>",
  );
});

Deno.test("DATABASE_URL's password is masked, also where no URL surrounds it", () => {
  const secrets = secretsOf({
    databaseUrl: "postgres://lora:pgSecret42@db.local:5432/lora",
  });
  const log: string[] = [];
  const logger = createLogger({
    level: "info",
    secrets,
    sink: (l) => log.push(l),
  });
  logger.error("cannot connect", {
    error: new Error('password authentication failed: "pgSecret42"'),
    url: "postgres://lora:pgSecret42@db.local:5432/lora",
  });
  assert.equal(log.length, 1);
  assert.ok(!log[0]?.includes("pgSecret42"), log[0]);
});

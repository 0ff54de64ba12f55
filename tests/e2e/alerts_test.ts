import assert from "node:assert/strict";
import { Alerter, diskUsage, usageOf } from "../../lib/alerts/mod.ts";
import { systemClock } from "../../lib/clock.ts";
import { createLogger } from "../../lib/log.ts";
import { startHarness } from "./harness.ts";
import { say } from "./helpers.ts";

const ADMIN = 831;

function alertsTo(
  h: {
    telegram: {
      calls: readonly { method: string; params: Record<string, unknown> }[];
    };
  },
): string[] {
  return h.telegram.calls
    .filter((c) => c.method === "sendMessage" && c.params.chat_id === ADMIN)
    .map((c) => String(c.params.text))
    .filter((text) => text.startsWith("⚠️ lora-bot"));
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.ok(check(), `timed out waiting for ${what}`);
}

Deno.test("alerts: one message when a server dies, one when it is back", async () => {
  await using h = await startHarness({
    env: {
      ADMIN_USER_IDS: String(ADMIN),
      ALERT_INTERVAL: "1",
      COMFYUI_HEALTH_INTERVAL: "0.03",
    },
  });
  const admin = h.telegram.user(ADMIN, { first_name: "Root" });
  await say(h, admin, "/start");
  await h.comfy.kill();
  await until(() => alertsTo(h).length === 1, "the down alert");
  assert.match(alertsTo(h)[0] ?? "", /🔴 Сервер .* недоступен/);
  // Health checks keep failing; the server is still down: no new alert.
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(alertsTo(h).length, 1);
  h.comfy.revive();
  await until(() => alertsTo(h).length === 2, "the back alert");
  assert.match(alertsTo(h)[1] ?? "", /🟢 Сервер .* снова работает/);
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(alertsTo(h).length, 2);
});

Deno.test("alerts: ALERTS=off sends nothing", async () => {
  await using h = await startHarness({
    env: {
      ADMIN_USER_IDS: String(ADMIN),
      ALERTS: "off",
      COMFYUI_HEALTH_INTERVAL: "0.03",
    },
  });
  const admin = h.telegram.user(ADMIN, { first_name: "Root" });
  await say(h, admin, "/start");
  await h.comfy.kill();
  await new Promise((resolve) => setTimeout(resolve, 300));
  h.comfy.revive();
  assert.deepEqual(alertsTo(h), []);
});

Deno.test("Alerter groups alerts and holds back repeats of a kind", async () => {
  const sent: string[] = [];
  const alerter = new Alerter({
    adminIds: [1],
    send: (_admin, text) => Promise.resolve(sent.push(text)),
    localeOf: () => Promise.resolve("en"),
    clock: systemClock,
    log: createLogger({ level: "error", sink: () => {} }),
    intervalMs: 60_000,
    groupMs: 10,
  });
  alerter.notify("disk", () => "disk full");
  alerter.notify("failures", () => "3 failed");
  alerter.notify("disk", () => "disk full again");
  await alerter.settled();
  assert.deepEqual(sent, ["⚠️ lora-bot\n\ndisk full\n\n3 failed"]);
});

Deno.test("usageOf() reads statfs(2) as df does", () => {
  // df -Pk: 930 used, 70 available of 1000 blocks (some reserved for root).
  const fs = { bsize: 1024, blocks: 1100, bfree: 170, bavail: 70 };
  assert.deepEqual(usageOf(fs), { percent: 93, freeBytes: 70 * 1024 });
  assert.equal(
    usageOf({ bsize: 4096, blocks: 0, bfree: 0, bavail: 0 }),
    undefined,
  );
});

Deno.test("diskUsage() reads the real file system without spawning df", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const usage = await diskUsage(dir);
    assert.ok(usage, "statfs needs --allow-sys=statfs and read access");
    assert.ok(usage.percent >= 0 && usage.percent <= 100);
    assert.ok(usage.freeBytes > 0);
    // A failing statfs (no permission) turns the check off, not the bot.
    const denied = () => Promise.reject(new Deno.errors.NotCapable("no"));
    assert.equal(await diskUsage(dir, denied), undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

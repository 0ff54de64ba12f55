/**
 * The HTTP endpoints of a running bot: `/healthz` says what works and what
 * does not, `/metrics` counts jobs, tokens and updates.
 */

import assert from "node:assert/strict";
import { exposition } from "../unit/prometheus_rules.ts";
import { SAMPLE_JPEG } from "../fixtures/media.ts";
import { startHarness } from "./harness.ts";

Deno.test("/healthz is 200 while everything answers, 503 once a check finds ComfyUI down", async () => {
  await using h = await startHarness({
    env: { HTTP_PORT: "0", COMFYUI_HEALTH_INTERVAL: "0.05" },
  });
  const base = `http://127.0.0.1:${h.app.httpPort}`;
  await h.telegram.waitForLongPoll();
  const healthy = await fetch(`${base}/healthz`);
  assert.equal(healthy.status, 200);
  assert.deepEqual(await healthy.json(), {
    ok: true,
    database: "ok",
    comfyui: "ok",
    polling: "ok",
    role: "active",
  });
  await h.comfy.close();
  // The next periodic check (50 ms) finds it down; ask until it does.
  let sick: Response | undefined;
  const deadline = Date.now() + 10_000;
  for (let i = 0; i < 100_000 && Date.now() < deadline; i++) {
    sick = await fetch(`${base}/healthz`);
    if (sick.status === 503) break;
    await sick.body?.cancel();
  }
  assert.equal(sick?.status, 503);
  assert.deepEqual(await sick?.json(), {
    ok: false,
    database: "ok",
    comfyui: "down",
    polling: "ok",
    role: "active",
  });
  const missing = await fetch(`${base}/nothing`);
  await missing.body?.cancel();
  assert.equal(missing.status, 404);
});

Deno.test("/healthz serves the last check: no ComfyUI probe per hit", async () => {
  await using h = await startHarness({
    env: { HTTP_PORT: "0", COMFYUI_HEALTH_INTERVAL: "600" },
  });
  const base = `http://127.0.0.1:${h.app.httpPort}`;
  await h.telegram.waitForLongPoll();
  const probes = () =>
    h.comfy.calls.filter((c) => c.path.startsWith("/system_stats")).length;
  const before = probes();
  for (let i = 0; i < 30; i++) {
    const response = await fetch(`${base}/healthz`);
    await response.body?.cancel();
    assert.equal(response.status, 200);
  }
  assert.equal(probes(), before, "30 hits, no new probe");
});

Deno.test("/metrics counts jobs, render times, tokens and updates", async () => {
  await using h = await startHarness({ env: { HTTP_PORT: "0" } });
  const user = h.telegram.user(701, { first_name: "Ira", language_code: "en" });
  h.telegram.sendPhoto(user, SAMPLE_JPEG);
  await h.telegram.waitForCall("sendVideo");
  await h.app.runner.idle();
  const response = await fetch(`http://127.0.0.1:${h.app.httpPort}/metrics`);
  assert.equal(response.status, 200);
  assert.match(String(response.headers.get("content-type")), /version=0\.0\.4/);
  const text = await response.text();
  assert.match(text, /^lora_jobs\{state="done"\} 1$/m);
  assert.match(text, /^lora_queue_length 0$/m);
  assert.match(
    text,
    /^lora_job_duration_seconds_bucket\{duration="10",quality="medium",le="\+Inf"\} 1$/m,
  );
  assert.match(text, /^lora_tokens_held 0$/m);
  assert.match(text, /^lora_tokens_spent_total 10$/m);
  assert.match(text, /^lora_updates_total [1-9]\d*$/m);
  assert.match(text, /^# TYPE lora_telegram_errors_total counter$/m);
  // The live body keeps the format's rules; the throttle timed the sends.
  assert.deepEqual(exposition(text).problems, []);
  assert.match(text, /^lora_telegram_pace_wait_seconds_count [1-9]\d*$/m);
  assert.match(text, /^lora_build_info\{version="[^"]+"\} 1$/m);
  // The single (SQLite) instance is always the active one.
  assert.match(text, /^lora_leader_active 1$/m);
  assert.match(text, /^lora_comfyui_up\{server="127\.0\.0\.1:\d+"\} 1$/m);
});

Deno.test("no HTTP_PORT, no server", async () => {
  await using h = await startHarness();
  assert.equal(h.app.httpPort, undefined);
});

Deno.test("a taken HTTP_PORT fails the start with AddrInUse", async () => {
  using taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  await assert.rejects(
    startHarness({ env: { HTTP_PORT: String(taken.addr.port) } }),
    Deno.errors.AddrInUse,
  );
});

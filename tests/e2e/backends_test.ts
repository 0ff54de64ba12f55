/**
 * Several render servers through the whole bot: sharing jobs, failing
 * over when one dies mid-render, plain ComfyUI's websocket progress in the
 * Telegram message, and the no-GPU preview backend.
 */

import assert from "node:assert/strict";
import { ffmpegAvailable } from "../../lib/media/mod.ts";
import { FakeComfy } from "../fakes/comfyui/mod.ts";
import { SAMPLE_JPEG, SAMPLE_MP4 } from "../fixtures/media.ts";
import { journalKinds, startHarness } from "./harness.ts";

const hasFfmpeg = await ffmpegAvailable();

Deno.test("two servers share ten jobs", async () => {
  await using a = await FakeComfy.start({ renderMs: 150 });
  await using b = await FakeComfy.start({ renderMs: 150 });
  await using h = await startHarness({
    env: {
      COMFYUI_URLS: `${a.url};name=gpu-a,${b.url};name=gpu-b`,
      MAX_ACTIVE_JOBS_PER_USER: "1",
    },
  });
  const users = Array.from(
    { length: 10 },
    (_, i) =>
      h.telegram.user(700 + i, { first_name: `U${i}`, language_code: "en" }),
  );
  for (const user of users) h.telegram.sendPhoto(user, SAMPLE_JPEG);
  for (const user of users) {
    await h.telegram.waitForCall("sendVideo", {
      where: (c) => c.params.chat_id === user.id,
      timeoutMs: 20_000,
    });
  }
  await h.app.runner.idle();
  assert.equal(a.requests.length + b.requests.length, 10);
  assert.ok(a.requests.length >= 3, `gpu-a ran ${a.requests.length}`);
  assert.ok(b.requests.length >= 3, `gpu-b ran ${b.requests.length}`);
  for (const user of users) {
    assert.equal(h.app.ledger.account(user.id)?.tokens, 90);
  }
});

Deno.test("a server killed mid-render: the job finishes on the other", async () => {
  await using a = await FakeComfy.start({ renderMs: 3000 });
  await using b = await FakeComfy.start({ renderMs: 100 });
  await using h = await startHarness({
    env: {
      COMFYUI_URLS: `${a.url};name=gpu-a,${b.url};name=gpu-b`,
      COMFYUI_HEALTH_INTERVAL: "0.05",
      ADMIN_USER_IDS: "1",
    },
  });
  const user = h.telegram.user(801, { first_name: "Ki", language_code: "ru" });
  h.telegram.sendPhoto(user, SAMPLE_JPEG);
  // Both idle: the first listed takes it.
  await a.waitForRequest();
  await a.kill();
  const video = await h.telegram.waitForCall("sendVideo", {
    timeoutMs: 20_000,
  });
  assert.deepEqual(video.files[0]?.bytes, SAMPLE_MP4);
  assert.equal(b.requests.length, 1, "moved to gpu-b");
  await h.app.runner.idle();
  const texts = h.telegram.chat(user.id).map((e) => e.text ?? "").join("\n");
  assert.doesNotMatch(texts, /Не удалось/, "the user saw no error");
  assert.equal(h.app.ledger.account(user.id)?.tokens, 90);
  assert.deepEqual(journalKinds(h.app, user.id), ["grant", "hold", "capture"]);
  // /backends shows it down, and up again once it answers.
  const admin = h.telegram.user(1, {
    first_name: "Admin",
    language_code: "en",
  });
  h.telegram.sendText(admin, "/backends");
  const down = await h.telegram.waitForCall("sendMessage", {
    where: (c) => c.params.chat_id === 1,
  });
  assert.match(String(down.params.text), /🔴 gpu-a \(connect\): down/);
  assert.match(String(down.params.text), /🟢 gpu-b \(connect\): up/);
  a.revive();
  // Health checks run every 50 ms; ask until it shows up (bounded).
  let up = false;
  for (let i = 0; i < 200 && !up; i++) {
    const after = h.telegram.lastCallId();
    h.telegram.sendText(admin, "/backends");
    const reply = await h.telegram.waitForCall("sendMessage", {
      where: (c) => c.params.chat_id === 1,
      after,
    });
    up = /🟢 gpu-a/.test(String(reply.params.text));
  }
  assert.ok(up, "gpu-a came back");
});

Deno.test("plain ComfyUI's websocket progress drives the bar", async () => {
  await using core = await FakeComfy.start({ renderMs: 1500 });
  await using h = await startHarness({
    env: {
      COMFYUI_URLS: `${core.url};kind=core;name=gpu-core`,
      PROGRESS_INTERVAL: "0.05",
    },
  });
  const user = h.telegram.user(901, { first_name: "Wo", language_code: "en" });
  h.telegram.sendPhoto(user, SAMPLE_JPEG, { width: 320, height: 240 });
  await h.telegram.waitForCall("sendVideo", { timeoutMs: 20_000 });
  await h.app.runner.idle();
  const percents = h.telegram.callsOf("editMessageText")
    .map((c) => /\] (\d+)%/.exec(String(c.params.text))?.[1])
    .filter((p) => p !== undefined)
    .map(Number);
  // With no history the clock would predict 120 s and show about 1 % in
  // 1.5 s; the sampler's steps take the bar much further.
  assert.ok(Math.max(...percents) >= 30, `percents seen: ${percents}`);
  for (let i = 1; i < percents.length; i++) {
    assert.ok((percents[i] ?? 0) >= (percents[i - 1] ?? 0), `${percents}`);
  }
  // The template's mapped inputs were set: our photo, size and frames.
  const prompt = core.prompts[0];
  assert.ok(prompt, "a prompt was submitted to /prompt");
  const graph = JSON.stringify(prompt);
  assert.match(graph, /input_telegram_901_\d+\.jpg/);
  const job = h.app.jobs.get(String(/telegram_901_\d+/.exec(graph)?.[0]));
  assert.ok(job?.promptId, "the prompt id was saved");
  assert.match(graph, new RegExp(job.promptId ?? "none"));
});

Deno.test({
  name: "the preview backend says plainly that it is not AI",
  ignore: !hasFfmpeg,
  async fn() {
    await using h = await startHarness({ env: { COMFYUI_URLS: "preview" } });
    const user = h.telegram.user(951, {
      first_name: "Pr",
      language_code: "ru",
    });
    h.telegram.sendPhoto(user, SAMPLE_JPEG, { width: 320, height: 240 });
    const video = await h.telegram.waitForCall("sendVideo", {
      timeoutMs: 20_000,
    });
    assert.match(String(video.params.caption), /предпросмотр, а не ИИ/);
    assert.equal(
      new TextDecoder().decode(video.files[0]?.bytes?.subarray(4, 8)),
      "ftyp",
    );
    await h.app.runner.idle();
    const progress = h.telegram.callsOf("editMessageText")
      .map((c) => String(c.params.text));
    assert.ok(progress.length > 0);
    for (const text of progress) assert.match(text, /Предпросмотр \(не ИИ\)/);
    assert.equal(h.comfy.requests.length, 0, "no ComfyUI was asked");
  },
});

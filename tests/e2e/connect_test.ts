/**
 * The bot against a ComfyUI-Connect that behaves like the real plugin
 * (Good-Dream-Studio/ComfyUI-Connect @ dc1865b): an old bot's saved
 * workflow takes only the photo, answers carry one file as a bare string,
 * and a stalled `/history` cannot hold a job's tokens.
 */

import assert from "node:assert/strict";
import { FakeComfy } from "../fakes/comfyui/mod.ts";
import { FULL_SAVED } from "../fakes/comfyui/connect.ts";
import type { FakeUser } from "../fakes/telegram/mod.ts";
import { SAMPLE_JPEG, SAMPLE_MP4 } from "../fixtures/media.ts";
import { type Harness, startHarness } from "./harness.ts";
import { kinds, lastBot, press, say, sendPhoto } from "./helpers.ts";

const SIZES = { low: 300, medium: 600, high: 832 } as const;
// The journal of a new user after two delivered jobs: each charged once.
const TWO_JOBS_CHARGED = ["grant", "hold", "capture", "hold", "capture"];

// One wizard job in English: photo, automatic motion, duration, quality,
// confirm; resolves once the video arrived and the job ended.
async function wizardJob(
  h: Harness,
  user: FakeUser,
  duration: 5 | 10 | 15,
  quality: keyof typeof SIZES,
): Promise<string> {
  await say(h, user, "/start");
  const menu = lastBot(h, user.id);
  await press(h, user, menu.message_id, "🎬 Create video");
  await sendPhoto(h, user, SAMPLE_JPEG);
  const motion = lastBot(h, user.id);
  await press(h, user, motion.message_id, "🤖 Automatic");
  await press(h, user, motion.message_id, `${duration} s · ${duration} tokens`);
  await press(h, user, motion.message_id, `${quality} · ${SIZES[quality]} px`);
  const after = h.telegram.lastCallId();
  await press(h, user, motion.message_id, "✅ Create video");
  const video = await h.telegram.waitForCall("sendVideo", { after });
  await h.app.runner.idle();
  assert.deepEqual(video.files[0]?.bytes, SAMPLE_MP4);
  return motion.text ?? "";
}

async function photoJob(
  h: Harness,
  user: FakeUser,
  caption?: string,
): Promise<void> {
  const after = h.telegram.lastCallId();
  h.telegram.sendPhoto(user, SAMPLE_JPEG, caption ? { caption } : {});
  const video = await h.telegram.waitForCall("sendVideo", { after });
  await h.app.runner.idle();
  assert.deepEqual(video.files[0]?.bytes, SAMPLE_MP4);
}

Deno.test("connect: the old bot's workflow renders every kind of job, only the photo is sent", async (t) => {
  await using h = await startHarness({ env: { DEFAULT_TOKENS: "200" } });
  const user = h.telegram.user(1301, {
    first_name: "Old",
    language_code: "en",
  });

  await t.step("one WARN line at start names the inputs it lacks", () => {
    const warns = h.logs.filter((l) => /does not take some inputs/.test(l));
    assert.equal(warns.length, 1, h.logs.join("\n"));
    assert.match(
      warns[0] ?? "",
      /duration\.value, size\.value, prompt\.text, negative\.text/,
    );
  });

  await t.step("quick mode and a photo with a caption deliver", async () => {
    await say(h, user, "/start");
    await photoJob(h, user);
    await photoJob(h, user, "she smiles and waves");
  });

  await t.step(
    "the wizard with each duration and quality delivers",
    async () => {
      for (const duration of [5, 10, 15] as const) {
        for (const quality of ["low", "medium", "high"] as const) {
          const motion = await wizardJob(h, user, duration, quality);
          // The workflow has no prompt input: the user is told so.
          assert.match(motion, /does not take motion descriptions/);
        }
      }
    },
  );

  await t.step("each job was charged once; ComfyUI got only the photo", () => {
    const jobs = 11;
    const journal = kinds(h, user.id);
    assert.equal(journal.filter((k) => k === "hold").length, jobs);
    assert.equal(journal.filter((k) => k === "capture").length, jobs);
    assert.equal(journal.filter((k) => k === "release").length, 0);
    assert.equal(h.app.ledger.account(user.id)?.tokens, 200 - 20 - 90);
    assert.equal(h.comfy.requests.length, jobs);
    for (const request of h.comfy.requests) {
      assert.equal(request.rejected, undefined);
      assert.deepEqual(request.inputs, {});
      assert.deepEqual(Object.keys(request.body), ["image", "client_id"]);
    }
    assert.equal(h.comfy.historyRequests, 0, "bare-string answers only");
  });
});

Deno.test("connect: a workflow with every input gets duration, size, prompt and negative where mapped", async () => {
  await using h = await startHarness({
    comfy: { saved: FULL_SAVED },
    env: { NEGATIVE_PROMPT: "blurry, static" },
  });
  const user = h.telegram.user(1302, {
    first_name: "Full",
    language_code: "en",
  });
  await say(h, user, "/start");
  const menu = lastBot(h, user.id);
  await press(h, user, menu.message_id, "🎬 Create video");
  h.telegram.sendPhoto(user, SAMPLE_JPEG, { caption: "the camera orbits" });
  await h.telegram.waitForCall("sendMessage", {
    where: (c) => /step 3 of 5/.test(String(c.params.text)),
  });
  const screen = lastBot(h, user.id);
  await press(h, user, screen.message_id, "15 s · 15 tokens");
  await press(h, user, screen.message_id, "high · 832 px");
  const after = h.telegram.lastCallId();
  await press(h, user, screen.message_id, "✅ Create video");
  await h.telegram.waitForCall("sendVideo", { after });
  await h.app.runner.idle();
  const [request] = h.comfy.requests;
  assert.ok(request);
  const graph = h.comfy.history.get(request.promptId)?.prompt[2];
  assert.equal(graph?.["20"]?.inputs.value, 15, "Duration $duration");
  assert.equal(graph?.["21"]?.inputs.value, 832, "Size $size");
  assert.equal(graph?.["6"]?.inputs.text, "the camera orbits", "$prompt");
  assert.equal(graph?.["7"]?.inputs.text, "blurry, static", "$negative");
  assert.equal(graph?.["10"]?.inputs.image, request.imageName, "$image");
  assert.deepEqual(h.logs.filter((l) => /does not take/.test(l)), []);
  assert.deepEqual(kinds(h, user.id), ["grant", "hold", "capture"]);
});

Deno.test("connect: a one-file answer (bare string) is delivered without /history", async () => {
  await using h = await startHarness();
  const user = h.telegram.user(1303, { first_name: "One" });
  await photoJob(h, user);
  h.comfy.outputFiles = 2; // several files: a list
  await photoJob(h, user);
  assert.equal(h.comfy.historyRequests, 0);
  assert.deepEqual(h.comfy.viewRequests, []);
  assert.deepEqual(kinds(h, user.id), TWO_JOBS_CHARGED);
});

Deno.test("connect: an empty answer asks /history at once, not after an interval", async () => {
  await using h = await startHarness({
    comfy: { mode: "history" },
    // An interval far longer than the test may take.
    env: { COMFYUI_HISTORY_INTERVAL: "600" },
  });
  const user = h.telegram.user(1304, { first_name: "Vhs" });
  await photoJob(h, user);
  assert.equal(h.comfy.historyRequests, 1);
  assert.equal(h.comfy.viewRequests.length, 1);
});

Deno.test("connect: a ComfyUI that stalls on /history gets the job refunded within the deadline", async () => {
  await using h = await startHarness({
    comfy: { mode: "history" },
    env: {
      COMFYUI_HISTORY_INTERVAL: "0.05",
      COMFYUI_HISTORY_ATTEMPTS: "10", // deadline 0.5 s
      COMFYUI_REQUEST_TIMEOUT: "0.1",
    },
  });
  h.comfy.stallHistory = true;
  const user = h.telegram.user(1305, {
    first_name: "Stall",
    language_code: "ru",
  });
  h.telegram.sendPhoto(user, SAMPLE_JPEG);
  const request = await h.comfy.waitForRequest();
  const answered = request.at + h.comfy.renderMs;
  const failure = await h.telegram.waitForCall("editMessageText", {
    where: (c) => /Не удалось создать видео/.test(String(c.params.text)),
  });
  const seconds = (Date.now() - answered) / 1000;
  await h.app.runner.idle();
  assert.match(String(failure.params.text), /не успел сделать видео вовремя/);
  assert.match(String(failure.params.text), /Токены не списаны/);
  assert.ok(seconds < 0.5 + 1, `refunded ${seconds} s after the answer`);
  assert.ok(h.comfy.historyRequests >= 1);
  assert.deepEqual(kinds(h, user.id), ["grant", "hold", "release"]);
  assert.equal(h.app.ledger.account(user.id)?.tokens, 100);
});

Deno.test("connect: without the listing, a 500 naming an unknown input is retried without it and remembered", async () => {
  await using h = await startHarness({
    comfy: { noListing: true, debug: true },
  });
  const user = h.telegram.user(1306, { first_name: "Legacy" });
  await photoJob(h, user);
  await photoJob(h, user);
  const sent = h.comfy.requests.map((r) => Object.keys(r.body).join(","));
  assert.deepEqual(sent, [
    "image,duration,size,client_id",
    "image,size,client_id",
    "image,client_id",
    "image,client_id",
  ]);
  assert.deepEqual(kinds(h, user.id), TWO_JOBS_CHARGED);
});

Deno.test("connect: /backends shows what each server's workflow takes", async () => {
  await using old = await FakeComfy.start();
  await using full = await FakeComfy.start({ saved: FULL_SAVED });
  await using legacy = await FakeComfy.start({ noListing: true });
  await using h = await startHarness({
    env: {
      COMFYUI_URLS: `${old.url};name=gpu-old,${full.url};name=gpu-full,` +
        `${legacy.url};name=gpu-legacy`,
      COMFYUI_NEGATIVE_INPUT: "off",
      ADMIN_USER_IDS: "1",
    },
  });
  const admin = h.telegram.user(1, {
    first_name: "Admin",
    language_code: "en",
  });
  h.telegram.sendText(admin, "/backends");
  const reply = await h.telegram.waitForCall("sendMessage", {
    where: (c) => c.params.chat_id === 1,
  });
  const text = String(reply.params.text);
  const block = (name: string) =>
    text.split("\n\n").find((b) => b.includes(name)) ?? "";
  assert.match(
    block("gpu-old"),
    /workflow "api-video": does not take duration\.value, size\.value, prompt\.text; videos render without them/,
  );
  assert.match(block("gpu-old"), /turned off in the settings: negative/);
  assert.match(
    block("gpu-full"),
    /workflow "api-video": takes every configured input/,
  );
  assert.match(block("gpu-legacy"), /cannot list its inputs/);
  // One server takes prompts: the motion step offers them as usual.
  const user = h.telegram.user(1307, { first_name: "Mo", language_code: "en" });
  await say(h, user, "/start");
  await press(h, user, lastBot(h, user.id).message_id, "🎬 Create video");
  await sendPhoto(h, user, SAMPLE_JPEG);
  assert.doesNotMatch(lastBot(h, user.id).text ?? "", /does not take motion/);
});

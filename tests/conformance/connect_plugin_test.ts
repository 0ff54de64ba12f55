/**
 * Conformance: the real bot against the real ComfyUI-Connect plugin's
 * request handling (Good-Dream-Studio/ComfyUI-Connect @ dc1865b, run by
 * Python) in front of the fake core ComfyUI, with the old bot's saved
 * workflow and with one that exposes every input. In CI (CI=true) a
 * missing prerequisite fails the test; elsewhere it is skipped and its
 * name says why.
 */

import assert from "node:assert/strict";
import { FakeComfy } from "../fakes/comfyui/mod.ts";
import { FULL_WORKFLOW, OLD_BOT_WORKFLOW } from "../fakes/comfyui/connect.ts";
import type { Graph } from "../fakes/comfyui/history.ts";
import type { FakeUser } from "../fakes/telegram/mod.ts";
import { SAMPLE_JPEG, SAMPLE_MP4 } from "../fixtures/media.ts";
import { type Harness, journalKinds, startHarness } from "../e2e/harness.ts";
import { lastBot, press, say, sendPhoto } from "../e2e/helpers.ts";
import { missingPrerequisite, pluginDir, startPlugin } from "./plugin.ts";

const DIR = pluginDir((name) => Deno.env.get(name));
const MISSING = await missingPrerequisite(DIR);
const CI = Deno.env.get("CI") === "true";

// A video the fake renders from each photo, so a delivered file proves
// whose photo it was made from and that it arrived byte for byte.
function videoFor(image: Uint8Array): Uint8Array {
  return new Uint8Array([...SAMPLE_MP4, ...image.subarray(-4)]);
}

async function withPlugin(
  workflow: Graph,
  fn: (h: Harness, core: FakeComfy) => Promise<void>,
): Promise<void> {
  if (MISSING !== undefined) throw new Error(`cannot run: ${MISSING}`);
  const inputDir = await Deno.makeTempDir({ prefix: "lora-input-" });
  try {
    await using core = await FakeComfy.start({
      renderMs: 20,
      inputDir,
      videoFor,
    });
    await using plugin = await startPlugin({
      dir: DIR,
      core,
      inputDir,
      workflows: { "api-video": workflow },
    });
    await using h = await startHarness({
      env: { COMFYUI_URL: plugin.url, DEFAULT_TOKENS: "100" },
    });
    try {
      await fn(h, core);
    } catch (error) {
      throw new Error(`${error}\nplugin output:\n${plugin.output.join("\n")}`, {
        cause: error,
      });
    }
  } finally {
    await Deno.remove(inputDir, { recursive: true });
  }
}

async function photoJob(
  h: Harness,
  user: FakeUser,
  photo: Uint8Array,
  caption?: string,
): Promise<Uint8Array | undefined> {
  const after = h.telegram.lastCallId();
  h.telegram.sendPhoto(user, photo, caption ? { caption } : {});
  const video = await h.telegram.waitForCall("sendVideo", {
    after,
    timeoutMs: 20_000,
  });
  await h.app.runner.idle();
  return video.files[0]?.bytes;
}

// The bot's own /history lookups (the plugin asks /history/<id>).
function botHistoryCalls(core: FakeComfy): string[] {
  return core.calls.map((c) => c.path).filter((p) =>
    /^(\/api)?\/history\?/.test(p)
  );
}

const photo = (n: number) =>
  new Uint8Array([...SAMPLE_JPEG, 0x10 + n, n, n, n]);

const skip = MISSING !== undefined && !CI;
const suffix = skip ? ` (skipped: ${MISSING})` : "";

Deno.test({
  name: `conformance: the old bot's workflow through the real plugin${suffix}`,
  ignore: skip,
  fn: () =>
    withPlugin(OLD_BOT_WORKFLOW, async (h, core) => {
      const user = h.telegram.user(1401, { first_name: "Py" });
      await say(h, user, "/start");
      assert.deepEqual(await photoJob(h, user, photo(1)), videoFor(photo(1)));
      assert.deepEqual(
        await photoJob(h, user, photo(2), "she waves"),
        videoFor(photo(2)),
      );
      assert.deepEqual(journalKinds(h.app, user.id), [
        "grant",
        "hold",
        "capture",
        "hold",
        "capture",
      ]);
      // What ComfyUI ran: the saved graph with the photo, nothing else set.
      assert.equal(core.prompts.length, 2);
      for (const prompt of core.prompts) {
        const graph = prompt.graph as Graph;
        assert.match(String(graph["10"]?.inputs.image), /^input_telegram_/);
        assert.equal(graph["6"]?.inputs.text, "a person moving naturally");
        assert.equal(graph["5"]?.inputs.length, 81);
      }
      assert.deepEqual(botHistoryCalls(core), [], "a bare-string answer");
      assert.ok(
        h.logs.some((l) => /does not take some inputs/.test(l)),
        "the WARN line at start",
      );
    }),
});

Deno.test({
  name:
    `conformance: a workflow with every input through the real plugin${suffix}`,
  ignore: skip,
  fn: () =>
    withPlugin(FULL_WORKFLOW, async (h, core) => {
      const user = h.telegram.user(1402, {
        first_name: "Py",
        language_code: "en",
      });
      await say(h, user, "/start");
      await press(h, user, lastBot(h, user.id).message_id, "🎬 Create video");
      await sendPhoto(h, user, photo(3));
      const screen = lastBot(h, user.id);
      await press(h, user, screen.message_id, "🤖 Automatic");
      await press(h, user, screen.message_id, "15 s · 15 tokens");
      await press(h, user, screen.message_id, "high · 832 px");
      const after = h.telegram.lastCallId();
      await press(h, user, screen.message_id, "✅ Create video");
      const video = await h.telegram.waitForCall("sendVideo", {
        after,
        timeoutMs: 20_000,
      });
      await h.app.runner.idle();
      assert.deepEqual(video.files[0]?.bytes, videoFor(photo(3)));
      assert.deepEqual(
        await photoJob(h, user, photo(4), "the camera orbits"),
        videoFor(photo(4)),
      );
      const [wizard, caption] = core.prompts.map((p) => p.graph as Graph);
      assert.equal(wizard?.["20"]?.inputs.value, 15);
      assert.equal(wizard?.["21"]?.inputs.value, 832);
      assert.equal(wizard?.["6"]?.inputs.text, "a person moving naturally");
      assert.equal(caption?.["6"]?.inputs.text, "the camera orbits");
      assert.equal(caption?.["20"]?.inputs.value, 10);
      assert.equal(caption?.["21"]?.inputs.value, 600);
      assert.equal(h.app.ledger.account(user.id)?.tokens, 100 - 15 - 10);
      assert.deepEqual(botHistoryCalls(core), []);
      // VideoHelperSuite's gifs come back as []: found through /history.
      core.mode = "history";
      assert.deepEqual(await photoJob(h, user, photo(5)), videoFor(photo(5)));
      assert.equal(botHistoryCalls(core).length, 1);
    }),
});

// One request to a server: status, content type, and the body (JSON parsed).
async function ask(
  url: string,
  init?: RequestInit,
): Promise<[number, string | null, unknown]> {
  const response = await fetch(url, init);
  const text = await response.text();
  const type = response.headers.get("content-type");
  return [
    response.status,
    type,
    type?.startsWith("application/json") ? JSON.parse(text) : text,
  ];
}

Deno.test({
  name: `conformance: the fake Connect answers like the real plugin${suffix}`,
  ignore: skip,
  fn: async () => {
    if (MISSING !== undefined) throw new Error(`cannot run: ${MISSING}`);
    const inputDir = await Deno.makeTempDir({ prefix: "lora-input-" });
    const workflows = { "api-video": OLD_BOT_WORKFLOW, full: FULL_WORKFLOW };
    try {
      await using core = await FakeComfy.start({ renderMs: 20, inputDir });
      await using plugin = await startPlugin({
        dir: DIR,
        core,
        inputDir,
        workflows,
      });
      await using fake = await FakeComfy.start({
        renderMs: 20,
        saved: workflows,
      });
      const image = {
        image: {
          type: "file",
          content: btoa(String.fromCharCode(...SAMPLE_JPEG)),
          name: "input_conformance.jpg",
        },
      };
      const post = (body: unknown): RequestInit => ({
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      const cases: [string, RequestInit | undefined][] = [
        ["/api/connect/workflows/api-video", undefined],
        ["/api/connect/workflows/full", undefined],
        ["/api/connect/workflows/nope", undefined],
        ["/api/connect/workflows/api-video", post({ image })],
        [
          "/api/connect/workflows/api-video",
          post({ image, size: { value: 1 } }),
        ],
        ["/api/connect/workflows/full", post({ image, size: { width: 1 } })],
        ["/api/connect/workflows/full", post({ image, prompt: { text: "x" } })],
        ["/api/connect/workflows/nope", post({ image })],
      ];
      for (const [path, init] of cases) {
        const real = await ask(plugin.url + path, init);
        const ours = await ask(fake.url + path, init);
        assert.deepEqual(ours, real, `${init?.method ?? "GET"} ${path}`);
      }
    } finally {
      await Deno.remove(inputDir, { recursive: true });
    }
  },
});

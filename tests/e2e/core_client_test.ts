/**
 * CoreClient (plain ComfyUI backend) against the fake ComfyUI: upload,
 * prompt, websocket progress, polling fallback, failures, auth, recover,
 * cancel and custom templates.
 */

import assert from "node:assert/strict";
import { systemClock } from "../../lib/clock.ts";
import {
  ComfyJobError,
  ComfyLostError,
  CoreClient,
  type CoreClientOptions,
  loadTemplate,
  type RenderProgress,
  type Template,
} from "../../lib/comfy/mod.ts";
import { SAMPLE_JPEG, SAMPLE_MP4 } from "../fixtures/media.ts";
import { FakeComfy, type FakeComfyOptions } from "../fakes/comfyui/mod.ts";
import { tempSpool, videoBytes } from "../fixtures/spool.ts";

const TEMPLATE: Template = await loadTemplate(
  "wan22-ti2v-5b",
  Deno.readTextFile,
);

async function setup(
  fake: FakeComfyOptions = {},
  client: Partial<CoreClientOptions> = {},
): Promise<{ comfy: FakeComfy; core: CoreClient } & AsyncDisposable> {
  const comfy = await FakeComfy.start({
    renderMs: 120,
    template: TEMPLATE,
    ...fake,
  });
  const core = new CoreClient({
    baseUrl: comfy.url,
    template: TEMPLATE,
    clock: systemClock,
    timeoutMs: 10_000,
    pollIntervalMs: 20,
    random: () => 0.25,
    spool: tempSpool(),
    ...client,
  });
  return {
    comfy,
    core,
    async [Symbol.asyncDispose]() {
      await core.close();
      await comfy.close();
    },
  };
}

function request(clientId: string, progress?: RenderProgress[]) {
  return {
    clientId,
    image: SAMPLE_JPEG,
    durationSeconds: 5,
    sizePx: 600,
    ...(progress
      ? { onProgress: (p: RenderProgress) => progress.push(p) }
      : {}),
  };
}

type Inputs = Record<string, Record<string, unknown>>;
const inputsOf = (
  graph: unknown,
  id: string,
) => ((graph as Record<string, { inputs: Inputs[string] }>)[id]?.inputs ?? {});

Deno.test("CoreClient.render() submits the template and reports progress to 1", async () => {
  await using t = await setup();
  const progress: RenderProgress[] = [];
  const result = await t.core.render({
    ...request("telegram_1_1", progress),
    promptId: "11111111-2222-4333-8444-555555555555",
  });
  assert.deepEqual(await videoBytes(result), SAMPLE_MP4);
  assert.equal(result.via, "history");
  const [prompt] = t.comfy.prompts;
  assert.equal(prompt?.promptId, "11111111-2222-4333-8444-555555555555");
  assert.equal(prompt?.clientId, t.core.wsClientId);
  assert.equal(t.comfy.uploads[0]?.saved, "input_telegram_1_1.jpg");
  assert.equal(inputsOf(prompt?.graph, "56").image, "input_telegram_1_1.jpg");
  assert.equal(inputsOf(prompt?.graph, "55").length, 121);
  assert.equal(inputsOf(prompt?.graph, "3").seed, 2 ** 30);
  const fractions = progress.map((p) => p.fraction);
  assert.ok(fractions.length >= 5, `few updates: ${fractions}`);
  assert.deepEqual(fractions, [...fractions].sort((a, b) => a - b));
  assert.equal(fractions.at(-1), 1);
  assert.ok(fractions.some((f) => f > 0.2 && f < 0.95), `${fractions}`);
  assert.ok(t.comfy.ws.sent.some((e) => e.type === "progress"));
});

Deno.test("CoreClient.render() polls when the websocket is refused", async () => {
  await using t = await setup({ wsMode: "refuse" });
  const progress: RenderProgress[] = [];
  const result = await t.core.render(request("telegram_1_2", progress));
  assert.deepEqual(await videoBytes(result), SAMPLE_MP4);
  assert.equal(t.comfy.ws.connects.length, 0);
  assert.ok(t.comfy.historyRequests >= 2);
  assert.equal(progress.at(-1)?.fraction, 1);
});

Deno.test("CoreClient.render() delivers when the websocket drops mid-job", async () => {
  await using t = await setup({ wsMode: "drop_mid_job", renderMs: 300 }, {
    pollIntervalMs: 30,
  });
  const result = await t.core.render(request("telegram_1_3"));
  assert.deepEqual(await videoBytes(result), SAMPLE_MP4);
  assert.ok(t.comfy.ws.connects.length >= 1);
});

Deno.test("CoreClient.render() turns an OOM into ComfyJobError", async () => {
  await using t = await setup({ mode: "runtime_error" });
  await assert.rejects(
    t.core.render(request("telegram_1_4")),
    ComfyJobError,
    "torch.OutOfMemoryError",
  );
});

Deno.test("CoreClient.render() explains a 400 with node_errors", async () => {
  await using t = await setup({ models: ["wan2.2_vae.safetensors"] });
  await assert.rejects(
    t.core.render(request("telegram_1_5")),
    ComfyJobError,
    `node "37" (UNETLoader): Value not in list (unet_name: ` +
      `'wan2.2_ti2v_5B_fp16.safetensors' not in`,
  );
  assert.equal(t.comfy.prompts[0]?.status, 400);
});

Deno.test("CoreClient sends the bearer header or the token everywhere", async () => {
  const auth = { bearer: "s3cret", token: "tok" };
  {
    await using t = await setup({ auth });
    await assert.rejects(t.core.render(request("telegram_1_6")), /HTTP 401/);
  }
  {
    await using t = await setup({ auth }, {
      headers: { authorization: "Bearer s3cret" },
    });
    await t.core.render(request("telegram_1_7"));
    assert.equal(t.comfy.ws.connects.length, 1, "websocket authorised too");
    assert.ok(t.comfy.calls.every((c) => c.status !== 401));
  }
  {
    await using t = await setup({ auth }, { token: "tok" });
    await t.core.render(request("telegram_1_8"));
    assert.equal(t.comfy.ws.connects.length, 1);
    assert.ok(t.comfy.calls.every((c) => c.path.includes("token=tok")));
  }
});

Deno.test("CoreClient.recover() finds a job in history, in the queue, or lost", async () => {
  await using t = await setup({ renderMs: 80 });
  // A first client submits and "dies"; a second one recovers.
  const first = new CoreClient({
    baseUrl: t.comfy.url,
    template: TEMPLATE,
    clock: systemClock,
    timeoutMs: 5000,
    pollIntervalMs: 20,
    spool: tempSpool(),
  });
  const abort = new AbortController();
  const a = first.render({ ...request("telegram_2_1"), signal: abort.signal });
  const b = first.render({ ...request("telegram_2_2"), signal: abort.signal });
  await t.comfy.waitForPrompt({ after: 1 });
  abort.abort();
  await Promise.allSettled([a, b]);
  await first.close();
  const progress: RenderProgress[] = [];
  const queued = await t.core.recover({
    clientId: "telegram_2_2",
    onProgress: (p) => progress.push(p),
  });
  assert.ok(queued !== "lost");
  assert.deepEqual(await videoBytes(queued), SAMPLE_MP4);
  assert.equal(progress.at(-1)?.fraction, 1);
  const done = await t.core.recover({ clientId: "telegram_2_1" });
  assert.ok(done !== "lost", "already in history");
  assert.equal(await t.core.recover({ clientId: "telegram_2_9" }), "lost");
});

Deno.test("CoreClient.cancel() deletes a pending job and interrupts a running one", async () => {
  await using t = await setup({ renderMs: 2000 });
  const settle = (p: Promise<unknown>) => p.then(() => "done", (e) => e);
  const running = settle(t.core.render(request("telegram_3_1")));
  await t.comfy.waitForPrompt();
  const pending = settle(t.core.render(request("telegram_3_2")));
  await t.comfy.waitForPrompt({ after: 1 });
  await t.core.cancel("telegram_3_2");
  const removed = await pending;
  assert.ok(removed instanceof ComfyLostError, String(removed));
  assert.equal(
    t.comfy.interrupts.length,
    0,
    "a pending job is not interrupted",
  );
  await t.core.cancel("telegram_3_1");
  assert.equal(t.comfy.interrupts.length, 1);
  const interrupted = await running;
  assert.ok(interrupted instanceof ComfyJobError, String(interrupted));
  assert.match(interrupted.message, /interrupted/);
  assert.ok(t.comfy.ws.sent.some((e) => e.type === "execution_interrupted"));
});

Deno.test("CoreClient submits a custom template with its mapping file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lora-template-" });
  try {
    const graph = {
      "10": {
        class_type: "LoadImage",
        inputs: { image: "x.png" },
        _meta: { title: "Input photo" },
      },
      "11": {
        class_type: "WanImageToVideo",
        inputs: { width: 832, height: 480, length: 81, start_image: ["10", 0] },
      },
      "12": {
        class_type: "KSampler",
        inputs: { seed: 1, steps: 4, latent_image: ["11", 2] },
      },
      "13": {
        class_type: "CLIPTextEncode",
        inputs: { text: "keep me" },
        _meta: { title: "Prompt" },
      },
      "14": { class_type: "SaveVideo", inputs: { video: ["12", 0] } },
    };
    const mapping = {
      image: "Input photo.image",
      frames: "11.length",
      width: "11.width",
      height: "11.height",
      seed: "12.seed",
      prompt: "Prompt.text",
      fps: 16,
      multiple: 16,
      frameRule: "4n+1",
    };
    await Deno.writeTextFile(`${dir}/mine.json`, JSON.stringify(graph));
    await Deno.writeTextFile(
      `${dir}/mine.mapping.json`,
      JSON.stringify(mapping),
    );
    const template = await loadTemplate(`${dir}/mine.json`, Deno.readTextFile);
    await using t = await setup({ template }, { template });
    const result = await t.core.render({ ...request("telegram_4_1") });
    assert.deepEqual(await videoBytes(result), SAMPLE_MP4);
    const sent = t.comfy.prompts[0]?.graph;
    assert.equal(inputsOf(sent, "10").image, "input_telegram_4_1.jpg");
    assert.equal(inputsOf(sent, "11").length, 81);
    assert.equal(inputsOf(sent, "11").width, 608);
    assert.equal(inputsOf(sent, "13").text, "keep me");
    assert.ok(
      t.comfy.history.list()[t.comfy.prompts[0]?.promptId ?? ""]?.outputs[
        "14"
      ],
      "history keyed by the template's output node",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

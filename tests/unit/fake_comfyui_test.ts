import assert from "node:assert/strict";
import { SAMPLE_JPEG, SAMPLE_MP4, SAMPLE_PNG } from "../fixtures/media.ts";
import {
  type ConnectRequest,
  FakeComfy,
  type HistoryEntry,
} from "../fakes/comfyui/mod.ts";
import {
  encodeBase64,
  FULL_WORKFLOW,
  OLD_BOT_WORKFLOW,
} from "../fakes/comfyui/connect.ts";

const SERVER_ERROR =
  "500 Internal Server Error\n\nServer got itself in trouble";
const JPEG_B64 = encodeBase64(SAMPLE_JPEG);

type History = Record<string, HistoryEntry>;

/** The body the old Python bot sends: the photo only, for one fake user. */
function botBody(
  clientId: string,
  content = JPEG_B64,
): Record<string, unknown> {
  return {
    image: {
      image: { type: "file", content, name: `input_${clientId}.jpg` },
    },
    "client_id": clientId,
  };
}

function postConnect(
  comfy: FakeComfy,
  body: unknown,
  opts: { path?: string; signal?: AbortSignal } = {},
): Promise<Response> {
  const path = opts.path ?? "/api/connect/workflows/api-video";
  return fetch(`${comfy.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  assert.equal(res.status, 200, url);
  assert.equal(
    res.headers.get("content-type"),
    "application/json; charset=utf-8",
  );
  return await res.json() as T;
}

/** How the bot finds its job: scan every entry's graph for its input file. */
function findByInputName(
  history: History,
  name: string,
): [string, HistoryEntry] | undefined {
  return Object.entries(history).find(([, entry]) =>
    Object.values(entry.prompt[2]).some((node) => node.inputs.image === name)
  );
}

async function pollHistoryFor(
  comfy: FakeComfy,
  name: string,
  timeoutMs = 3000,
): Promise<[string, HistoryEntry]> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    const found = findByInputName(await getJson(`${comfy.url}/history`), name);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`"${name}" not in history`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function isMp4(bytes: Uint8Array): boolean {
  return new TextDecoder().decode(bytes.subarray(4, 8)) === "ftyp";
}

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

Deno.test("media fixtures are real MP4, JPEG and PNG files", () => {
  assert.ok(isMp4(SAMPLE_MP4), "ISO-BMFF ftyp box at offset 4");
  assert.ok(SAMPLE_MP4.length < 20_000);
  assert.deepEqual([...SAMPLE_JPEG.subarray(0, 3)], [0xff, 0xd8, 0xff]);
  assert.deepEqual([...SAMPLE_JPEG.subarray(-2)], [0xff, 0xd9]);
  assert.ok(SAMPLE_JPEG.length < 20_000);
  assert.deepEqual(
    [...SAMPLE_PNG.subarray(0, 8)],
    [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  );
});

Deno.test("FakeComfy direct mode returns the video and records the request", async () => {
  await using comfy = await FakeComfy.start();
  const res = await postConnect(comfy, botBody("telegram_423721043_1"));
  assert.equal(res.status, 200);
  assert.equal(
    res.headers.get("content-type"),
    "application/json; charset=utf-8",
  );
  const body = await res.json();
  assert.equal(body.status, "success");
  assert.equal(body.workflow, "api-video");
  assert.deepEqual(Object.keys(body.result), ["output"]);
  // One file: a bare string, not a list (upstream since 0693e24).
  assert.equal(typeof body.result.output, "string");
  assert.deepEqual(fromBase64(body.result.output), SAMPLE_MP4);

  const req = await comfy.waitForRequest();
  assert.equal(req.id, 1);
  assert.equal(req.workflow, "api-video");
  assert.equal(req.imageName, "input_telegram_423721043_1.jpg");
  assert.deepEqual(req.imageBytes, SAMPLE_JPEG);
  assert.equal(req.clientIdField, "telegram_423721043_1");
  assert.deepEqual(req.inputs, {});
  assert.deepEqual(req.body.image, {
    image: {
      type: "file",
      content: `<${SAMPLE_JPEG.length} bytes>`,
      name: "input_telegram_423721043_1.jpg",
    },
  });
  assert.equal(req.rejected, undefined);

  const history = await getJson<History>(
    `${comfy.url}/history/${req.promptId}`,
  );
  const entry = history[req.promptId];
  assert.ok(entry);
  assert.equal(entry.prompt[1], req.promptId);
  assert.notEqual(entry.prompt[3]["client_id"], "telegram_423721043_1");
  assert.match(String(entry.prompt[3]["client_id"]), /^[0-9a-f-]{36}$/);
  assert.deepEqual(entry.prompt[4], ["9"]);
  assert.deepEqual(entry.prompt[2]["10"], {
    "class_type": "LoadImage",
    inputs: { image: "input_telegram_423721043_1.jpg" },
    "_meta": { title: "Load Image $image" },
  });
  assert.equal(entry.prompt[2]["9"]?.class_type, "SaveVideo");
  assert.deepEqual(entry.outputs, {
    "9": {
      images: [{
        filename: "ComfyUI_00001_.mp4",
        subfolder: "",
        type: "output",
      }],
      animated: [true],
    },
  });
  assert.equal(entry.status.status_str, "success");
  assert.equal(entry.status.completed, true);
  assert.deepEqual(
    entry.status.messages.map(([type]) => type),
    ["execution_start", "execution_cached", "execution_success"],
  );

  comfy.mode = "history"; // applies to the next request only
  const next = await postConnect(comfy, botBody("telegram_423721043_2"));
  assert.deepEqual((await next.json()).result, { output: [] });
  assert.deepEqual(comfy.requests.map((r) => r.mode), ["direct", "history"]);
  assert.deepEqual(comfy.errors, []);
});

Deno.test("FakeComfy history mode answers [] and serves the VHS file via /view", async () => {
  await using comfy = await FakeComfy.start({ mode: "history" });
  const res = await postConnect(comfy, botBody("telegram_7_2"));
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), {
    status: "success",
    workflow: "api-video",
    result: { output: [] },
  });
  const found = findByInputName(
    await getJson(`${comfy.url}/history`),
    "input_telegram_7_2.jpg",
  );
  assert.ok(found);
  const [id, entry] = found;
  assert.equal(id, comfy.requests[0]?.promptId);
  assert.equal(entry.prompt[2]["9"]?.class_type, "VHS_VideoCombine");
  const gif = (entry.outputs["9"]?.gifs as Record<string, unknown>[])[0];
  assert.deepEqual(gif, {
    filename: "AnimateDiff_00001.mp4",
    subfolder: "video",
    type: "output",
    format: "video/h264-mp4",
    "frame_rate": 16,
    workflow: "AnimateDiff_00001.png",
    fullpath: "/opt/ComfyUI/output/video/AnimateDiff_00001.mp4",
  });

  const view = await fetch(
    `${comfy.url}/view?filename=AnimateDiff_00001.mp4&subfolder=video&type=output`,
  );
  assert.equal(view.status, 200);
  assert.equal(view.headers.get("content-type"), "video/mp4");
  assert.equal(view.headers.get("content-length"), String(SAMPLE_MP4.length));
  assert.deepEqual(new Uint8Array(await view.arrayBuffer()), SAMPLE_MP4);
  assert.deepEqual(comfy.viewRequests, [
    { filename: "AnimateDiff_00001.mp4", subfolder: "video", type: "output" },
  ]);
  assert.equal(comfy.historyRequests, 1);
});

Deno.test("FakeComfy runtime_error mode is a 200 success with an OOM in history", async () => {
  await using comfy = await FakeComfy.start({ mode: "runtime_error" });
  const res = await postConnect(comfy, botBody("telegram_1_3"));
  assert.equal(res.status, 200);
  // No node has outputs after the OOM, so no key at all.
  assert.deepEqual((await res.json()).result, {});
  const { promptId } = await comfy.waitForRequest();
  const entry =
    (await getJson<History>(`${comfy.url}/api/history/${promptId}`))[
      promptId
    ];
  assert.ok(entry);
  assert.deepEqual(entry.outputs, {});
  assert.equal(entry.status.status_str, "error");
  assert.equal(entry.status.completed, false);
  const error = entry.status.messages.find(([t]) => t === "execution_error");
  assert.ok(error);
  assert.equal(error[1].exception_type, "torch.OutOfMemoryError");
  assert.match(String(error[1].exception_message), /^Allocation on device/);
  assert.equal(error[1].prompt_id, promptId);
  assert.equal(error[1].node_type, "KSampler");
  assert.ok(entry.prompt[2][String(error[1].node_id)]);
  assert.deepEqual(error[1].traceback, []);
});

Deno.test("FakeComfy error500 mode answers aiohttp's text/plain 500", async () => {
  await using comfy = await FakeComfy.start({ mode: "error500" });
  const res = await postConnect(comfy, botBody("telegram_1_4"), {
    path: "/connect/workflows/api-video",
  });
  assert.equal(res.status, 500);
  assert.equal(res.headers.get("content-type"), "text/plain; charset=utf-8");
  assert.equal(await res.text(), SERVER_ERROR);
  assert.deepEqual(await getJson(`${comfy.url}/history`), {});
  assert.equal(comfy.requests[0]?.promptId, "");
});

Deno.test("FakeComfy bad_output mode returns base64 that is not a video", async () => {
  await using comfy = await FakeComfy.start({ mode: "bad_output" });
  const body = await (await postConnect(comfy, botBody("telegram_1_5"))).json();
  assert.equal(body.status, "success");
  const bytes = fromBase64(body.result.output);
  assert.ok(!isMp4(bytes));
  assert.match(new TextDecoder().decode(bytes), /^<html>/);
});

Deno.test("FakeComfy lost mode answers 500 (KeyError) and leaves no history", async () => {
  await using comfy = await FakeComfy.start({ mode: "lost" });
  const res = await postConnect(comfy, botBody("telegram_1_6"));
  assert.equal(res.status, 500);
  assert.equal(await res.text(), SERVER_ERROR);
  const { promptId } = await comfy.waitForRequest();
  assert.notEqual(promptId, "");
  assert.deepEqual(await getJson(`${comfy.url}/history/${promptId}`), {});
  assert.deepEqual(await getJson(`${comfy.url}/history`), {});
});

Deno.test("FakeComfy hang mode never answers but the job lands in /history", async () => {
  await using comfy = await FakeComfy.start({ mode: "hang", renderMs: 150 });
  await assert.rejects(
    postConnect(comfy, botBody("telegram_9_7"), {
      signal: AbortSignal.timeout(50),
    }),
    (e: unknown) => e instanceof DOMException && e.name === "TimeoutError",
  );
  // Aborted while rendering: still running on the server.
  const queue = await getJson<{ "queue_running": unknown[][] }>(
    `${comfy.url}/api/queue`,
  );
  assert.equal(queue.queue_running[0]?.[1], comfy.requests[0]?.promptId);
  const [, entry] = await pollHistoryFor(comfy, "input_telegram_9_7.jpg");
  assert.ok(entry.outputs["9"]?.gifs);
  assert.equal(entry.status.status_str, "success");
});

Deno.test("FakeComfy rejects unknown tags, inputs and workflows with 500", async () => {
  await using comfy = await FakeComfy.start();
  const cases: [string, unknown][] = [
    ["/api/connect/workflows/api-video", { prompt: { text: "cat" } }],
    ["/api/connect/workflows/api-video", { image: { upload: "image" } }],
    ["/api/connect/workflows/nope", botBody("telegram_1_8")],
    ["/api/connect/workflows/api-video", [1, 2]],
  ];
  for (const [path, body] of cases) {
    const res = await postConnect(comfy, body, { path });
    assert.equal(res.status, 500, path);
    assert.equal(res.headers.get("content-type"), "text/plain; charset=utf-8");
    assert.equal(await res.text(), SERVER_ERROR);
  }
  assert.deepEqual(comfy.requests.map((r) => r.rejected), [
    "No inputs available for tag 'prompt'. Ensure this tag exists and is " +
    "not excluded (e.g. with '!').",
    "The input 'upload' does not exist for tag 'image' (possibly not in " +
    "the filtered list?).",
    "Workflow 'nope' not found.",
    "'list' object has no attribute 'items'",
  ]);
  assert.deepEqual(await getJson(`${comfy.url}/history`), {});
  const image = comfy.requests[2]?.body.image as Record<string, unknown>;
  assert.deepEqual(image.image, {
    type: "file",
    content: `<${SAMPLE_JPEG.length} bytes>`,
    name: "input_telegram_1_8.jpg",
  });
  assert.deepEqual(comfy.errors, []);
});

Deno.test("FakeComfy runs with the stale image when the base64 is invalid", async () => {
  await using comfy = await FakeComfy.start({ mode: "history" });
  const res = await postConnect(comfy, botBody("telegram_1_9", "not base64!"));
  assert.equal(res.status, 200);
  await res.body?.cancel();
  const req = await comfy.waitForRequest();
  assert.equal(req.imageBytes, undefined);
  assert.equal(req.imageName, "input_telegram_1_9.jpg");
  const history = await getJson<History>(`${comfy.url}/history`);
  assert.equal(findByInputName(history, "input_telegram_1_9.jpg"), undefined);
  assert.ok(findByInputName(history, "example.png"));
});

Deno.test("FakeComfy /view validates names and 404s missing files", async () => {
  await using comfy = await FakeComfy.start();
  await (await postConnect(comfy, botBody("telegram_1_10"))).body?.cancel();
  const cases: [string, number][] = [
    ["/view?filename=ComfyUI_00001_.mp4", 200],
    ["/api/view?filename=ComfyUI_00001_.mp4&subfolder=&type=output", 200],
    ["/view?filename=input_telegram_1_10.jpg&type=input", 200],
    ["/view?filename=../secret.mp4", 400],
    ["/view?filename=%2Fetc%2Fpasswd", 400],
    ["/view?filename=ComfyUI_00001_.mp4&type=models", 400],
    ["/view?filename=ComfyUI_00001_.mp4&subfolder=../..", 403],
    ["/view?filename=ComfyUI_00099_.mp4", 404],
    ["/view", 404],
  ];
  for (const [path, status] of cases) {
    const res = await fetch(`${comfy.url}${path}`);
    assert.equal(res.status, status, path);
    const bytes = new Uint8Array(await res.arrayBuffer());
    if (status === 200 && path.includes("type=input")) {
      assert.deepEqual(bytes, SAMPLE_JPEG);
    } else if (status === 200) {
      assert.deepEqual(bytes, SAMPLE_MP4);
    } else {
      assert.equal(bytes.length, 0);
    }
  }
  assert.equal(comfy.viewRequests.length, cases.length);
});

Deno.test("FakeComfy serves core routes plain and under /api", async () => {
  await using comfy = await FakeComfy.start();
  for (const prefix of ["", "/api"]) {
    const stats = await getJson<Record<string, Record<string, unknown>[]>>(
      `${comfy.url}${prefix}/system_stats`,
    );
    assert.equal(stats.devices?.[0]?.type, "cuda");
    assert.equal(typeof stats.devices?.[0]?.vram_free, "number");
    assert.deepEqual(await getJson(`${comfy.url}${prefix}/prompt`), {
      "exec_info": { "queue_remaining": 0 },
    });
    assert.deepEqual(await getJson(`${comfy.url}${prefix}/queue`), {
      "queue_running": [],
      "queue_pending": [],
    });
    assert.deepEqual(await getJson(`${comfy.url}${prefix}/history`), {});
    const info = await getJson<Record<string, Record<string, unknown>>>(
      `${comfy.url}${prefix}/connect/workflows/api-video`,
    );
    assert.deepEqual(info.workflow?.outputs, ["output"]);
  }
  const missing = await fetch(`${comfy.url}/api/nothing`);
  assert.equal(missing.status, 404);
  assert.equal(await missing.text(), "404: Not Found");
  assert.equal(comfy.historyRequests, 2);
});

Deno.test("FakeComfy queues overlapping jobs one at a time", async () => {
  await using comfy = await FakeComfy.start({ renderMs: 80 });
  const first = postConnect(comfy, botBody("telegram_1_11"));
  const a = await comfy.waitForRequest();
  const second = postConnect(comfy, botBody("telegram_2_11"));
  const b = await comfy.waitForRequest({ after: a.id });
  assert.equal(b.id, 2);
  const queue = await getJson<Record<string, unknown[][]>>(
    `${comfy.url}/queue`,
  );
  assert.deepEqual(queue.queue_running?.map((item) => item[1]), [a.promptId]);
  assert.deepEqual(queue.queue_pending?.map((item) => item[1]), [b.promptId]);
  assert.deepEqual(await getJson(`${comfy.url}/prompt`), {
    "exec_info": { "queue_remaining": 2 },
  });
  const bodies = await Promise.all(
    [first, second].map(async (p) => (await p).json()),
  );
  assert.deepEqual(
    bodies.map((body) => typeof body.result.output),
    ["string", "string"],
  );
  const history = await getJson<History>(`${comfy.url}/history?max_items=1`);
  assert.deepEqual(Object.keys(history), [b.promptId]);
});

Deno.test("FakeComfy.restart() forgets history and drops jobs in flight", async () => {
  await using comfy = await FakeComfy.start({ mode: "history", renderMs: 5 });
  await (await postConnect(comfy, botBody("telegram_1_12"))).body?.cancel();
  const done = await comfy.waitForRequest();
  assert.equal(comfy.history.size, 1);

  comfy.renderMs = 10_000;
  const inFlight = postConnect(comfy, botBody("telegram_2_12"));
  const pending = await comfy.waitForRequest({ after: done.id });
  comfy.restart();
  await assert.rejects(async () => await (await inFlight).json());

  assert.deepEqual(await getJson(`${comfy.url}/history`), {});
  assert.deepEqual(await getJson(`${comfy.url}/history/${done.promptId}`), {});
  assert.deepEqual(
    await getJson(`${comfy.url}/history/${pending.promptId}`),
    {},
  );
  assert.deepEqual(await getJson(`${comfy.url}/queue`), {
    "queue_running": [],
    "queue_pending": [],
  });
  const view = await fetch(
    `${comfy.url}/view?filename=AnimateDiff_00001.mp4&subfolder=video`,
  );
  assert.equal(view.status, 200, "files on disk survive a restart");
  await view.body?.cancel();
});

Deno.test("FakeComfy.failNext() fails matching paths the given number of times", async () => {
  await using comfy = await FakeComfy.start();
  comfy.failNext("/history", 503, 2);
  comfy.failNext("/api/connect/workflows/api-video", 500);
  const statuses: number[] = [];
  for (const path of ["/api/history/x", "/history", "/history"]) {
    const res = await fetch(`${comfy.url}${path}`);
    statuses.push(res.status);
    await res.body?.cancel();
  }
  assert.deepEqual(statuses, [503, 503, 200]);
  const failed = await postConnect(comfy, botBody("telegram_1_13"), {
    path: "/connect/workflows/api-video",
  });
  assert.equal(failed.status, 500);
  assert.equal(await failed.text(), SERVER_ERROR);
  assert.equal(comfy.requests.length, 0, "failed before reaching the plugin");
  const ok = await postConnect(comfy, botBody("telegram_1_13"));
  assert.equal(ok.status, 200);
  await ok.body?.cancel();
  assert.equal(comfy.historyRequests, 1);
  assert.deepEqual(comfy.calls.map((c) => c.status), [503, 503, 200, 500, 200]);
});

Deno.test("FakeComfy history keeps the newest entries up to historyCap", async () => {
  await using comfy = await FakeComfy.start({ historyCap: 2, renderMs: 0 });
  const ids: string[] = [];
  for (const n of [1, 2, 3]) {
    await (await postConnect(comfy, botBody(`telegram_${n}_14`))).body
      ?.cancel();
    ids.push((comfy.requests.at(-1) as ConnectRequest).promptId);
  }
  const all = await getJson<History>(`${comfy.url}/history`);
  assert.deepEqual(Object.keys(all), ids.slice(1));
  const last = await getJson<History>(`${comfy.url}/history?max_items=1`);
  assert.deepEqual(Object.keys(last), ids.slice(2));
});

Deno.test("FakeComfy.close() drops a request that is still hanging", async () => {
  const comfy = await FakeComfy.start({ mode: "hang", renderMs: 0 });
  const answer = postConnect(comfy, botBody("telegram_1_15")).then((r) =>
    r.json()
  );
  await pollHistoryFor(comfy, "input_telegram_1_15.jpg");
  const waiting = comfy.waitForRequest({ after: 1 });
  await comfy.close();
  await assert.rejects(answer);
  await assert.rejects(waiting, /FakeComfy closed/);
  await comfy.close(); // idempotent
});

Deno.test("FakeComfy lists the saved workflow's tagged inputs like the plugin", async () => {
  await using comfy = await FakeComfy.start({
    saved: { "api-video": OLD_BOT_WORKFLOW, full: FULL_WORKFLOW },
  });
  assert.deepEqual(
    await getJson(`${comfy.url}/api/connect/workflows/api-video`),
    {
      status: "success",
      workflow: {
        name: "api-video",
        inputs: { image: { image: "str" } },
        outputs: ["output"],
      },
    },
  );
  const full = await getJson<{ workflow: { inputs: unknown } }>(
    `${comfy.url}/connect/workflows/full`,
  );
  assert.deepEqual(full.workflow.inputs, {
    prompt: { text: "str", clip: "list" },
    negative: { text: "str", clip: "list" },
    image: { image: "str" },
    duration: { value: "int" },
    size: { value: "int" },
  });
  const missing = await fetch(`${comfy.url}/api/connect/workflows/nope`);
  assert.equal(missing.status, 500);
  assert.equal(await missing.text(), SERVER_ERROR);
});

Deno.test("FakeComfy writes the photo before it refuses an unknown input", async () => {
  await using comfy = await FakeComfy.start({ debug: true });
  const res = await postConnect(comfy, {
    ...botBody("telegram_5_1"),
    duration: { value: 5 },
  });
  assert.equal(res.status, 500);
  // asyncio debug: the traceback names the input (the plain page does not).
  assert.match(
    await res.text(),
    /ValueError: No inputs available for tag 'duration'/,
  );
  const photo = comfy.files.get({
    filename: "input_telegram_5_1.jpg",
    subfolder: "",
    type: "input",
  });
  assert.deepEqual(photo, SAMPLE_JPEG);
  assert.deepEqual(await getJson(`${comfy.url}/history`), {});
});

Deno.test("FakeComfy answers a list for several files and sets mapped inputs", async () => {
  await using comfy = await FakeComfy.start({
    saved: { "api-video": FULL_WORKFLOW },
    outputFiles: 2,
  });
  const res = await postConnect(comfy, {
    ...botBody("telegram_5_2"),
    duration: { value: 5 },
    size: { value: 720 },
    prompt: { text: "she waves" },
  });
  const body = await res.json();
  assert.ok(Array.isArray(body.result.output));
  assert.equal(body.result.output.length, 2);
  const { promptId, inputs } = await comfy.waitForRequest();
  assert.deepEqual(inputs, {
    duration: { value: 5 },
    size: { value: 720 },
    prompt: { text: "she waves" },
  });
  const graph = comfy.history.get(promptId)?.prompt[2];
  assert.equal(graph?.["20"]?.inputs.value, 5);
  assert.equal(graph?.["21"]?.inputs.value, 720);
  assert.equal(graph?.["6"]?.inputs.text, "she waves");
  assert.equal(graph?.["7"]?.inputs.text, "blurry, distorted");
});

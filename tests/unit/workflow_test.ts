import assert from "node:assert/strict";
import {
  buildPrompt,
  BUILT_IN_TEMPLATES,
  frameCount,
  loadTemplate,
  parseTemplate,
  type Template,
  TemplateError,
  videoSize,
} from "../../lib/comfy/mod.ts";
import { ProgressTracker } from "../../lib/comfy/core/progress.ts";

const GRAPH = {
  "1": {
    class_type: "LoadImage",
    inputs: { image: "old.png" },
    _meta: { title: "Photo" },
  },
  "2": {
    class_type: "EmptyLatent",
    inputs: { width: 1, height: 1, length: 1 },
    _meta: { title: "Size.v2" },
  },
  "3": {
    class_type: "KSamplerAdvanced",
    inputs: { noise_seed: 0 },
    _meta: { title: "High" },
  },
  "4": {
    class_type: "KSamplerAdvanced",
    inputs: { noise_seed: 0 },
    _meta: { title: "Low" },
  },
  "5": { class_type: "CLIPTextEncode", inputs: { text: "template text" } },
};

const MAPPING = {
  image: "Photo.image",
  frames: "Size.v2.length",
  width: "2.width",
  height: "2.height",
  seed: ["High.noise_seed", "4.noise_seed"],
  prompt: "5.text",
  fps: 16,
  multiple: 16,
  frameRule: "4n+1",
};

const PARAMS = {
  image: "input_job.jpg",
  durationSeconds: 5,
  sizePx: 832,
  imageWidth: 1200,
  imageHeight: 800,
  seed: 42,
};

function template(mapping: Record<string, unknown> = MAPPING): Template {
  return parseTemplate("test", GRAPH, mapping);
}

Deno.test("parseTemplate() resolves inputs by node id and by title", () => {
  const t = template();
  assert.deepEqual(t.image, { node: "1", input: "image" });
  assert.deepEqual(t.frames, { node: "2", input: "length" });
  assert.deepEqual(t.seeds, [{ node: "3", input: "noise_seed" }, {
    node: "4",
    input: "noise_seed",
  }]);
  assert.deepEqual(t.samplers, ["3", "4"], "samplers found by class name");
  assert.equal(t.negative, undefined);
});

Deno.test("parseTemplate() names the unknown node or input", () => {
  assert.throws(
    () => template({ ...MAPPING, image: "Nope.image" }),
    TemplateError,
    'no node "Nope"',
  );
  assert.throws(
    () => template({ ...MAPPING, width: "2.wide" }),
    TemplateError,
    'mapping "width": node "2" (EmptyLatent) has no input "wide"',
  );
  assert.throws(
    () => template({ ...MAPPING, fps: 0 }),
    TemplateError,
    '"fps" must be a number',
  );
  assert.throws(
    () => template({ ...MAPPING, frames: 12 }),
    TemplateError,
    '"frames" must be',
  );
  assert.throws(
    () => parseTemplate("ui", { nodes: [], links: [] }, MAPPING),
    TemplateError,
    "Save (API)",
  );
});

Deno.test("frameCount() is duration × fps, or 4n+1 when asked", () => {
  assert.equal(frameCount({ fps: 24, frameRule: "any" }, 5), 120);
  assert.equal(frameCount({ fps: 24, frameRule: "4n+1" }, 5), 121);
  assert.equal(frameCount({ fps: 16, frameRule: "4n+1" }, 5), 81);
  assert.equal(frameCount({ fps: 24, frameRule: "4n+1" }, 10), 241);
  assert.equal(frameCount({ fps: 15, frameRule: "4n+1" }, 1), 17);
});

Deno.test("videoSize() keeps the aspect ratio and rounds to the multiple", () => {
  assert.deepEqual(videoSize(832, { width: 1200, height: 800 }, 32), {
    width: 832,
    height: 544,
  });
  assert.deepEqual(videoSize(600, { width: 800, height: 1200 }, 32), {
    width: 416,
    height: 608,
  });
  assert.deepEqual(videoSize(300, { width: 1000, height: 1000 }, 16), {
    width: 304,
    height: 304,
  });
  assert.deepEqual(videoSize(300, { width: 5000, height: 100 }, 32), {
    width: 288,
    height: 32,
  }, "never below one multiple");
});

Deno.test("buildPrompt() sets the mapped inputs on a deep copy", () => {
  const t = template();
  const graph = buildPrompt(t, { ...PARAMS, prompt: "she smiles" });
  assert.equal(graph["1"]?.inputs.image, "input_job.jpg");
  assert.equal(graph["2"]?.inputs.length, 81);
  assert.equal(graph["2"]?.inputs.width, 832);
  assert.equal(graph["2"]?.inputs.height, 560);
  assert.equal(graph["3"]?.inputs.noise_seed, 42);
  assert.equal(graph["4"]?.inputs.noise_seed, 42);
  assert.equal(graph["5"]?.inputs.text, "she smiles");
  assert.equal(t.graph["1"]?.inputs.image, "old.png", "template untouched");
  const again = buildPrompt(t, PARAMS);
  assert.equal(again["5"]?.inputs.text, "template text", "text kept");
  assert.notEqual(again["2"], graph["2"]);
});

Deno.test("buildPrompt() draws a seed from the injected RNG", () => {
  const { seed: _, ...params } = PARAMS;
  const graph = buildPrompt(template(), { ...params, random: () => 0.5 });
  assert.equal(graph["3"]?.inputs.noise_seed, 2 ** 31);
});

Deno.test("loadTemplate() reads built-ins and a .json with its mapping", async () => {
  const builtIn = await loadTemplate("wan22-ti2v-5b", () => {
    throw new Error("no file read for a built-in");
  });
  assert.equal(builtIn.fps, 24);
  assert.equal(builtIn.multiple, 32);
  assert.deepEqual(builtIn.samplers, ["3"]);
  const files: Record<string, string> = {
    "/t/mine.json": JSON.stringify(GRAPH),
    "/t/mine.mapping.json": JSON.stringify(MAPPING),
  };
  const read = (path: string) =>
    files[path] === undefined
      ? Promise.reject(new Deno.errors.NotFound(path))
      : Promise.resolve(files[path]);
  const custom = await loadTemplate("/t/mine.json", read);
  assert.deepEqual(custom.image, { node: "1", input: "image" });
  await assert.rejects(
    loadTemplate("/t/other.json", read),
    TemplateError,
    'cannot read "/t/other.json"',
  );
  await assert.rejects(loadTemplate("ltx", read), TemplateError, "built-in");
  assert.ok(Object.keys(BUILT_IN_TEMPLATES).includes("wan22-ti2v-5b"));
});

Deno.test("ProgressTracker weighs two samplers half each and ends at 1", () => {
  const p = new ProgressTracker(["1", "2", "3", "4", "5"], ["3", "4"]);
  p.queued(2);
  assert.deepEqual(p.progress, { fraction: 0, running: false, queueAhead: 2 });
  p.cached(["1"]);
  p.executing("2");
  p.executing("3");
  p.step("3", 5, 10);
  const half = p.progress.fraction;
  assert.ok(Math.abs(half - (0.1 * 2 / 3 + 0.9 * 0.25)) < 1e-9, `${half}`);
  p.executing("4");
  assert.ok(Math.abs(p.progress.fraction - (0.1 * 2 / 3 + 0.45)) < 1e-9);
  p.step("4", 2, 10); // restarts at 0 for the second sampler
  p.step("3", 1, 10); // a late event never moves the bar back
  assert.ok(p.progress.fraction >= 0.1 * 2 / 3 + 0.45);
  p.executing("5");
  assert.ok(p.progress.fraction < 1, "not done before ComfyUI says so");
  p.executing(null);
  assert.deepEqual(p.progress, { fraction: 1, running: true });
});

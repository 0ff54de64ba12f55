/**
 * Workflow templates for plain ComfyUI: an API-format graph ("Save (API)"
 * JSON) plus a mapping that says which node input receives the photo, the
 * frame count, the size, the seed and the prompt texts. Pure: the graph
 * for one job comes from {@link buildPrompt}.
 *
 * @module
 */

import { type Aspect, aspectFrame } from "../media/mod.ts";

/** One node of an API-format graph. */
export interface GraphNode {
  readonly "class_type": string;
  readonly inputs: Record<string, unknown>;
  readonly "_meta"?: { readonly title?: string };
}

/** An API-format ("Save (API)") graph: node id → node. */
export type Graph = Record<string, GraphNode>;

/** `"<node id or _meta.title>.<input name>"`, as written in a mapping. */
export type InputPath = string;

/**
 * The mapping file (`<name>.mapping.json`): where each job parameter goes.
 * `seed` may name several sampler inputs (Wan 2.2 14B has two samplers).
 */
export interface TemplateMapping {
  readonly image: InputPath;
  readonly frames: InputPath;
  readonly width: InputPath;
  readonly height: InputPath;
  readonly seed: InputPath | readonly InputPath[];
  readonly prompt?: InputPath;
  readonly negative?: InputPath;
  /** Frames per second the template renders at (duration × fps frames). */
  readonly fps: number;
  /** Width and height are rounded to a multiple of this (Wan 2.2: 32). */
  readonly multiple: number;
  /** `"4n+1"` for models that want 4n+1 frames (Wan); default `"any"`. */
  readonly frameRule?: "4n+1" | "any";
  /**
   * Sampler node ids or titles that carry most of the render time, for
   * progress; default: every node whose class name contains "Sampler".
   */
  readonly samplers?: readonly string[];
}

/** A resolved input: node id and input name. */
export interface InputRef {
  readonly node: string;
  readonly input: string;
}

/** A validated template, ready for {@link buildPrompt}. */
export interface Template {
  readonly name: string;
  readonly graph: Readonly<Graph>;
  readonly image: InputRef;
  readonly frames: InputRef;
  readonly width: InputRef;
  readonly height: InputRef;
  readonly seeds: readonly InputRef[];
  readonly prompt: InputRef | undefined;
  readonly negative: InputRef | undefined;
  readonly fps: number;
  readonly multiple: number;
  readonly frameRule: "4n+1" | "any";
  /** Node ids whose `progress` events weigh most (see progress.ts). */
  readonly samplers: readonly string[];
}

/** What one job puts into the template. */
export interface PromptParams {
  /** The uploaded file name, as `/upload/image` returned it. */
  readonly image: string;
  readonly durationSeconds: number;
  /** The long side in pixels (the quality: 300, 600, 832). */
  readonly sizePx: number;
  /** The photo's size, to keep its aspect ratio. */
  readonly imageWidth: number;
  readonly imageHeight: number;
  /** A chosen aspect ratio instead of the photo's. */
  readonly aspect?: Aspect | undefined;
  /** Fixed seed; otherwise drawn from `random`. */
  readonly seed?: number;
  /** Uniform in [0, 1); default Math.random. Tests inject their own. */
  readonly random?: () => number;
  /** Replaces the template's positive text when given. */
  readonly prompt?: string;
  /** Replaces the template's negative text when given. */
  readonly negative?: string;
}

/** A template or mapping that cannot work; names the part at fault. */
export class TemplateError extends Error {
  readonly template: string;

  constructor(template: string, message: string) {
    super(`Template "${template}": ${message}`);
    this.name = "TemplateError";
    this.template = template;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Checks that `value` is an API-format graph (not the UI "workflow" JSON). */
export function parseGraph(name: string, value: unknown): Graph {
  if (!isRecord(value)) throw new TemplateError(name, "graph is not an object");
  if (Array.isArray(value.nodes)) {
    throw new TemplateError(
      name,
      'this is the UI workflow format; export it with "Save (API)"',
    );
  }
  const graph: Graph = {};
  for (const [id, node] of Object.entries(value)) {
    if (
      !isRecord(node) || typeof node.class_type !== "string" ||
      !isRecord(node.inputs)
    ) {
      throw new TemplateError(name, `node "${id}" has no class_type/inputs`);
    }
    graph[id] = node as unknown as GraphNode;
  }
  if (Object.keys(graph).length === 0) {
    throw new TemplateError(name, "graph has no nodes");
  }
  return graph;
}

// A node by id first, else by its unique `_meta.title`.
function findNode(name: string, graph: Graph, key: string): string {
  if (graph[key] !== undefined) return key;
  const titled = Object.keys(graph).filter((id) =>
    graph[id]?._meta?.title === key
  );
  if (titled.length > 1) {
    throw new TemplateError(name, `title "${key}" names several nodes`);
  }
  const [id] = titled;
  if (id === undefined) throw new TemplateError(name, `no node "${key}"`);
  return id;
}

function resolve(
  name: string,
  graph: Graph,
  field: string,
  path: unknown,
): InputRef {
  if (typeof path !== "string" || !path.includes(".")) {
    throw new TemplateError(
      name,
      `mapping "${field}" must be "<node id or title>.<input>"`,
    );
  }
  // Titles may contain dots; the input name never does.
  const dot = path.lastIndexOf(".");
  const node = findNode(name, graph, path.slice(0, dot));
  const input = path.slice(dot + 1);
  if (!(input in (graph[node]?.inputs ?? {}))) {
    throw new TemplateError(
      name,
      `mapping "${field}": node "${node}" (${
        graph[node]?.class_type
      }) has no input "${input}"`,
    );
  }
  return { node, input };
}

function positiveNumber(name: string, field: string, value: unknown): number {
  if (typeof value !== "number" || !(value > 0) || !Number.isFinite(value)) {
    throw new TemplateError(name, `mapping "${field}" must be a number > 0`);
  }
  return value;
}

/**
 * Validates a graph and its mapping; every named node and input must
 * exist, so a bad mapping fails at start, not at the first user.
 */
export function parseTemplate(
  name: string,
  graphValue: unknown,
  mappingValue: unknown,
): Template {
  const graph = parseGraph(name, graphValue);
  if (!isRecord(mappingValue)) {
    throw new TemplateError(name, "mapping is not an object");
  }
  const m = mappingValue;
  const at = (field: string) => resolve(name, graph, field, m[field]);
  const optional = (field: string) =>
    m[field] === undefined ? undefined : at(field);
  const seedPaths = Array.isArray(m.seed) ? m.seed : [m.seed];
  if (seedPaths.length === 0) {
    throw new TemplateError(name, 'mapping "seed" names no input');
  }
  const frameRule = m.frameRule ?? "any";
  if (frameRule !== "4n+1" && frameRule !== "any") {
    throw new TemplateError(name, 'mapping "frameRule" is "4n+1" or "any"');
  }
  const samplers = m.samplers === undefined
    ? Object.keys(graph).filter((id) =>
      graph[id]?.class_type.includes("Sampler")
    )
    : Array.isArray(m.samplers)
    ? m.samplers.map((key) => findNode(name, graph, String(key)))
    : undefined;
  if (samplers === undefined) {
    throw new TemplateError(name, 'mapping "samplers" must be a list');
  }
  return {
    name,
    graph,
    image: at("image"),
    frames: at("frames"),
    width: at("width"),
    height: at("height"),
    seeds: seedPaths.map((path, i) => resolve(name, graph, `seed[${i}]`, path)),
    prompt: optional("prompt"),
    negative: optional("negative"),
    fps: positiveNumber(name, "fps", m.fps),
    multiple: Math.round(positiveNumber(name, "multiple", m.multiple)),
    frameRule,
    samplers,
  };
}

/** Frames for a duration: duration × fps, as 4n+1 when the model wants it. */
export function frameCount(
  template: Pick<Template, "fps" | "frameRule">,
  durationSeconds: number,
): number {
  const frames = Math.max(1, Math.round(durationSeconds * template.fps));
  if (template.frameRule !== "4n+1") return frames;
  return Math.max(1, Math.round(frames / 4)) * 4 + 1;
}

/**
 * Width and height with the long side at `sizePx`, the photo's aspect
 * ratio kept, both rounded to the nearest `multiple` (at least one).
 */
export function videoSize(
  sizePx: number,
  image: { readonly width: number; readonly height: number },
  multiple: number,
): { width: number; height: number } {
  const round = (px: number) =>
    Math.max(multiple, Math.round(px / multiple) * multiple);
  const landscape = image.width >= image.height;
  const ratio = landscape
    ? image.height / image.width
    : image.width / image.height;
  const long = round(sizePx);
  const short = round(sizePx * ratio);
  return landscape
    ? { width: long, height: short }
    : { width: short, height: long };
}

/** A random seed in ComfyUI's usual range (0 .. 2^32 − 1). */
export function randomSeed(random: () => number = Math.random): number {
  return Math.floor(random() * 0x1_0000_0000);
}

/** The graph for one job: a fresh deep copy with the mapped inputs set. */
export function buildPrompt(template: Template, params: PromptParams): Graph {
  const graph = structuredClone(template.graph) as Graph;
  const set = (ref: InputRef, value: unknown) => {
    const node = graph[ref.node];
    if (node !== undefined) node.inputs[ref.input] = value;
  };
  const size = videoSize(
    params.sizePx,
    aspectFrame(params.aspect ?? "photo", {
      width: params.imageWidth,
      height: params.imageHeight,
    }),
    template.multiple,
  );
  set(template.image, params.image);
  set(template.frames, frameCount(template, params.durationSeconds));
  set(template.width, size.width);
  set(template.height, size.height);
  const seed = params.seed ?? randomSeed(params.random);
  for (const ref of template.seeds) set(ref, seed);
  if (template.prompt && params.prompt !== undefined) {
    set(template.prompt, params.prompt);
  }
  if (template.negative && params.negative !== undefined) {
    set(template.negative, params.negative);
  }
  return graph;
}

/**
 * The ComfyUI-Connect plugin part of the fake: how a `POST
 * /connect/workflows/{name}` body is read and turned into an API graph.
 * Behaviour follows /work/shared/comfyui-contract.md §3.
 *
 * @module
 */

import { plainError } from "./comfyui_core.ts";
import type { Graph, GraphNode } from "./comfyui_history.ts";

/**
 * How the fake answers `POST /connect/workflows/{name}`:
 * - `direct`: 200 success, `result.output[0]` = base64 video; history has a
 *   core SaveVideo entry (`images` + `animated`, subfolder "").
 * - `history`: 200 success with `output: []`; history has a VHS_VideoCombine
 *   entry (`gifs`, subfolder "video"); the file is served by `/view`.
 * - `runtime_error`: 200 success with `output: []`; history entry is an
 *   OOM (`status_str: "error"`, `execution_error`), no outputs.
 * - `error500`: aiohttp's 500 text/plain page (a /prompt validation error).
 * - `hang`: no answer until restart()/close(); the job still lands in
 *   history (VHS style) after `renderMs`.
 * - `bad_output`: 200 success whose base64 is an HTML page, not a video.
 * - `lost`: 200 success with `output: []` and no history entry at all.
 */
export type ConnectMode =
  | "direct"
  | "history"
  | "runtime_error"
  | "error500"
  | "hang"
  | "bad_output"
  | "lost";

/** One recorded `POST /connect/workflows/{name}` request. */
export interface ConnectRequest {
  /** 1-based, in arrival order. */
  id: number;
  workflow: string;
  /** The JSON body with each file `content` replaced by `"<N bytes>"`. */
  body: Record<string, unknown>;
  /** The `name` of the file value sent, even when its content was unusable. */
  imageName: string | undefined;
  /** Decoded file bytes; undefined when the base64 was invalid (plugin keeps the old image). */
  imageBytes: Uint8Array | undefined;
  /** tag → input → value, without file inputs and without empty tags. */
  inputs: Record<string, Record<string, unknown>>;
  /** The top-level `client_id` the bot sent; the plugin ignores it. */
  clientIdField: unknown;
  /** The prompt id ComfyUI gave the job; `""` when no prompt was queued. */
  promptId: string;
  /** `Date.now()` at arrival. */
  at: number;
  /** The mode this request was served with. */
  mode: ConnectMode;
  /** Tags sent as `false` (bypass). */
  bypassed: string[];
  /** Why the plugin answered 500 before queueing, if it did. */
  rejected: string | undefined;
}

/** Exposed tag → input names of the default `api-video` workflow. */
export const DEFAULT_TAGS: Readonly<Record<string, readonly string[]>> = {
  image: ["image"],
  duration: ["value"],
  size: ["value"],
};

/** The image the saved workflow had before any upload (what runs on bad base64). */
export const STALE_IMAGE_NAME = "example.png";

/** A Python exception inside the plugin: aiohttp turns it into a 500. */
export class ConnectPluginError extends Error {
  /** Creates the error with the Python-style message. */
  constructor(message: string) {
    super(message);
    this.name = "ConnectPluginError";
  }
}

/** The result of reading a Connect body. */
export interface ParsedConnect {
  /** Values applied to the graph, file inputs as their file name. */
  values: Record<string, Record<string, unknown>>;
  inputs: Record<string, Record<string, unknown>>;
  imageName: string | undefined;
  imageBytes: Uint8Array<ArrayBuffer> | undefined;
  bypassed: string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Python `base64.b64decode` (non-validating): undefined where it would raise. */
export function decodePythonBase64(
  text: string,
): Uint8Array<ArrayBuffer> | undefined {
  const cleaned = text.replace(/[^A-Za-z0-9+/=]/g, "");
  if (cleaned.length % 4 !== 0) return undefined;
  let binary: string;
  try {
    binary = atob(cleaned);
  } catch {
    return undefined;
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Standard base64 of any size (chunked to keep the call stack small). */
export function encodeBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  for (let i = 0; i < bytes.length; i += 0x8000) {
    parts.push(String.fromCharCode(...bytes.subarray(i, i + 0x8000)));
  }
  return btoa(parts.join(""));
}

interface FileValue {
  name: string | undefined;
  bytes: Uint8Array<ArrayBuffer> | undefined;
  redacted: Record<string, unknown>;
}

function readFileValue(value: Record<string, unknown>): FileValue {
  const name = typeof value.name === "string" ? value.name : undefined;
  const redacted = { ...value };
  if (typeof value.content !== "string") {
    // `url` downloads are not possible here: treated as a failed download.
    return { name, bytes: undefined, redacted };
  }
  const bytes = decodePythonBase64(value.content);
  redacted.content = bytes
    ? `<${bytes.length} bytes>`
    : `<invalid base64, ${value.content.length} chars>`;
  // Without a name the plugin cannot write the file and keeps the old image.
  return { name, bytes: name === undefined ? undefined : bytes, redacted };
}

/** A copy of a Connect body with every file `content` replaced by `"<N bytes>"`. */
export function redactBody(
  body: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...body };
  for (const [tag, payload] of Object.entries(body)) {
    if (!isRecord(payload)) continue;
    const copy: Record<string, unknown> = { ...payload };
    for (const [input, value] of Object.entries(payload)) {
      if (isRecord(value) && value.type === "file") {
        copy[input] = readFileValue(value).redacted;
      }
    }
    out[tag] = copy;
  }
  return out;
}

/** Reads a Connect body like the plugin; throws ConnectPluginError for a 500. */
export function parseConnectBody(
  body: unknown,
  tags: Readonly<Record<string, readonly string[]>>,
): ParsedConnect {
  if (!isRecord(body)) {
    throw new ConnectPluginError("'list' object has no attribute 'items'");
  }
  const parsed: ParsedConnect = {
    values: {},
    inputs: {},
    imageName: undefined,
    imageBytes: undefined,
    bypassed: [],
  };
  for (const [tag, payload] of Object.entries(body)) {
    if (payload === false) parsed.bypassed.push(tag);
    if (!isRecord(payload)) continue; // e.g. client_id: silently ignored
    const known = tags[tag];
    if (!known) {
      throw new ConnectPluginError(`No inputs available for tag '${tag}'`);
    }
    for (const [input, value] of Object.entries(payload)) {
      if (!known.includes(input)) {
        throw new ConnectPluginError(
          `The input '${input}' does not exist for tag '${tag}'`,
        );
      }
      if (isRecord(value) && value.type === "file") {
        const file = readFileValue(value);
        parsed.imageName = file.name;
        parsed.imageBytes = file.bytes;
        if (file.bytes && file.name !== undefined) {
          (parsed.values[tag] ??= {})[input] = file.name;
        }
        continue;
      }
      (parsed.values[tag] ??= {})[input] = value;
      (parsed.inputs[tag] ??= {})[input] = value;
    }
  }
  return parsed;
}

/** Which history key the output node writes: core SaveVideo or VHS. */
export type OutputStyle = "images" | "gifs";

/** Node id of the output node (`#output`). */
export const OUTPUT_NODE = "9";
/** Node id of the sampler that raises in `runtime_error` mode. */
export const SAMPLER_NODE = "3";

const DEFAULT_VALUES: Record<string, unknown> = {
  "image.image": STALE_IMAGE_NAME,
  "duration.value": 5,
  "size.value": 600,
};

function tagNodes(
  tags: Readonly<Record<string, readonly string[]>>,
  values: ParsedConnect["values"],
): Graph {
  const graph: Graph = {};
  let loaders = 10;
  let primitives = 20;
  for (const [tag, inputNames] of Object.entries(tags)) {
    const isLoader = inputNames.includes("image");
    const inputs: Record<string, unknown> = {};
    for (const input of inputNames) {
      inputs[input] = values[tag]?.[input] ??
        DEFAULT_VALUES[`${tag}.${input}`] ??
        (input === "image" ? STALE_IMAGE_NAME : 0);
    }
    const node: GraphNode = isLoader
      ? {
        "class_type": "LoadImage",
        inputs,
        "_meta": { title: `Load Image $${tag}` },
      }
      : {
        "class_type": inputNames.length === 1 && inputNames[0] === "value"
          ? "PrimitiveInt"
          : "PrimitiveNode",
        inputs,
        "_meta": { title: `${tag[0]?.toUpperCase()}${tag.slice(1)} $${tag}` },
      };
    graph[String(isLoader ? loaders++ : primitives++)] = node;
  }
  return graph;
}

/** The API graph the saved workflow becomes after the plugin applied `values`. */
export function buildGraph(
  tags: Readonly<Record<string, readonly string[]>>,
  values: ParsedConnect["values"],
  style: OutputStyle,
): Graph {
  const graph = tagNodes(tags, values);
  const loader =
    Object.keys(graph).find((id) => graph[id]?.class_type === "LoadImage") ??
      "10";
  graph[SAMPLER_NODE] = {
    "class_type": "KSampler",
    inputs: {
      seed: 0,
      steps: 4,
      cfg: 1,
      "sampler_name": "euler",
      scheduler: "simple",
      denoise: 1,
      "latent_image": [loader, 0],
    },
    "_meta": { title: "KSampler" },
  };
  graph["8"] = {
    "class_type": "VAEDecode",
    inputs: { samples: [SAMPLER_NODE, 0] },
    "_meta": { title: "VAE Decode" },
  };
  if (style === "gifs") {
    graph[OUTPUT_NODE] = {
      "class_type": "VHS_VideoCombine",
      inputs: {
        "frame_rate": 16,
        "loop_count": 0,
        "filename_prefix": "video/AnimateDiff",
        format: "video/h264-mp4",
        "pix_fmt": "yuv420p",
        crf: 19,
        "save_metadata": true,
        pingpong: false,
        "save_output": true,
        images: ["8", 0],
      },
      "_meta": { title: "Video Combine 🎥🅥🅗🅢 #output" },
    };
  } else {
    graph["7"] = {
      "class_type": "CreateVideo",
      inputs: { fps: 16, images: ["8", 0] },
      "_meta": { title: "Create Video" },
    };
    graph[OUTPUT_NODE] = {
      "class_type": "SaveVideo",
      inputs: {
        "filename_prefix": "ComfyUI",
        format: "auto",
        codec: "auto",
        video: ["7", 0],
      },
      "_meta": { title: "Save Video #output" },
    };
  }
  return graph;
}

/** `GET /connect/workflows/{name}`: the exposed inputs with Python type names. */
export function workflowInfo(
  name: string,
  tags: Readonly<Record<string, readonly string[]>>,
): Record<string, unknown> {
  const inputs: Record<string, Record<string, string>> = {};
  for (const [tag, names] of Object.entries(tags)) {
    inputs[tag] = Object.fromEntries(
      names.map((n) => [n, n === "image" ? "str" : "int"]),
    );
  }
  return {
    status: "success",
    workflow: { name, inputs, outputs: ["output"] },
  };
}

/** The plugin's 200 answer: `result.output` holds base64 of `images` files. */
export function connectSuccess(
  workflow: string,
  output: readonly string[],
): Record<string, unknown> {
  return { status: "success", workflow, result: { output } };
}

/** What {@linkcode readRun} checks against and where it records. */
export interface RunContext {
  workflows: ReadonlySet<string>;
  tags: Readonly<Record<string, readonly string[]>>;
  record(request: Omit<ConnectRequest, "id">): void;
}

/** Reads and validates a run request like the plugin; a Response means 500. */
export async function readRun(
  req: Request,
  workflow: string,
  base: Omit<ConnectRequest, "id">,
  ctx: RunContext,
): Promise<ParsedConnect | Response> {
  let body: unknown;
  try {
    body = await req.json();
  } catch {
    ctx.record({ ...base, rejected: "Invalid JSON body" });
    return plainError(500);
  }
  if (typeof body === "object" && body !== null && !Array.isArray(body)) {
    base.body = redactBody(body as Record<string, unknown>);
    base.clientIdField = (body as Record<string, unknown>)["client_id"];
  }
  if (!ctx.workflows.has(workflow)) {
    ctx.record({ ...base, rejected: `Workflow '${workflow}' not found` });
    return plainError(500);
  }
  try {
    return parseConnectBody(body, ctx.tags);
  } catch (error) {
    if (!(error instanceof ConnectPluginError)) throw error;
    ctx.record({ ...base, rejected: error.message });
    return plainError(500);
  }
}

/**
 * The ComfyUI-Connect plugin part of the fake, following
 * Good-Dream-Studio/ComfyUI-Connect @ dc1865bfbd9d8adb16909584a6a77af8ae068710
 * (`services/workflow_service.py` execute_workflow and get_workflow,
 * `controllers/workflow_controller.py`, `services/comfyui_service.py`
 * run_workflow; tag logic in ./connect_workflow.ts):
 * - a saved workflow is an API graph whose node titles carry the tags;
 *   `GET /connect/workflows/{name}` lists `$` inputs with Python types;
 * - a run applies the body in order: a file value is written to the input
 *   folder first (an existing name is reused) and its own errors are only
 *   printed; a plain value for an input the workflow lacks raises
 *   ValueError, which aiohttp answers with its 500 text/plain page (the
 *   photo stays in the input folder);
 * - the answer maps every tag of every node in the history outputs to the
 *   base64 of its `images` files: a bare string for one file, a list for
 *   several, `[]` for `gifs`; a failed run has no output key at all.
 *
 * @module
 */

import { SERVER_ERROR_TEXT } from "./core.ts";
import type { Graph, GraphNode } from "./history.ts";

export {
  buildGraph,
  DEFAULT_TAGS,
  FULL_SAVED,
  FULL_WORKFLOW,
  OLD_BOT_WORKFLOW,
  OUTPUT_NODE,
  type OutputStyle,
  SAMPLER_NODE,
  savedFromTags,
  STALE_IMAGE_NAME,
} from "./connect_saved.ts";
import {
  bypassNodes,
  nodeTags,
  PluginError,
  taggedInputs,
  taggedNodes,
  taggedOutputs,
  updateTaggedInput,
} from "./connect_workflow.ts";

/**
 * How the fake answers `POST /connect/workflows/{name}`:
 * - `direct`: 200 success, `result.output` = the base64 video (a list when
 *   `outputFiles` > 1); history has a core SaveVideo entry (`images` +
 *   `animated`, subfolder "").
 * - `history`: 200 success with `output: []`; history has a VHS_VideoCombine
 *   entry (`gifs`, subfolder "video"); the file is served by `/view`.
 * - `runtime_error`: 200 success with `result: {}`; history entry is an
 *   OOM (`status_str: "error"`, `execution_error`), no outputs.
 * - `error500`: aiohttp's 500 text/plain page (a /prompt validation error).
 * - `hang`: no answer until restart()/close(); the job still lands in
 *   history (VHS style) after `renderMs`.
 * - `bad_output`: 200 success whose base64 is an HTML page, not a video.
 * - `lost`: the prompt ran but left no history entry: the plugin's
 *   `history[prompt_id]` raises KeyError, a 500.
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

/** `GET /connect/workflows/{name}` (a missing name is a KeyError: 500). */
export function workflowListing(
  name: string,
  graph: Graph,
): Record<string, unknown> {
  // The controller writes `"workflow": name, "workflow": result`; Python
  // keeps the last value of a repeated key.
  return {
    status: "success",
    workflow: {
      name,
      inputs: taggedInputs(graph),
      outputs: taggedOutputs(graph),
    },
  };
}

/** Where a run writes the uploaded photo (ComfyUI's input folder). */
export interface InputFolder {
  exists(name: string): boolean;
  write(name: string, bytes: Uint8Array<ArrayBuffer>): void;
}

/** What applying a body to the graph did. */
export interface AppliedParams {
  inputs: Record<string, Record<string, unknown>>;
  imageName: string | undefined;
  imageBytes: Uint8Array<ArrayBuffer> | undefined;
  bypassed: string[];
}

// One `{"type":"file"}` value: written first, then set; errors printed only.
function applyFile(
  graph: Graph,
  at: { tag: string; input: string },
  value: Record<string, unknown>,
  folder: InputFolder,
): { name: string | undefined; bytes: Uint8Array<ArrayBuffer> | undefined } {
  const name = typeof value.name === "string" && value.name !== ""
    ? value.name
    : undefined;
  const content = value.content;
  if (typeof content !== "string" || content === "" || name === undefined) {
    return { name, bytes: undefined }; // "File name is required" / no content
  }
  let bytes: Uint8Array<ArrayBuffer> | undefined;
  if (!folder.exists(name)) {
    bytes = decodePythonBase64(content);
    if (bytes === undefined) return { name, bytes }; // binascii.Error
    folder.write(name, bytes);
  } else {
    bytes = decodePythonBase64(content);
  }
  try {
    updateTaggedInput(graph, at.tag, at.input, name);
  } catch (error) {
    if (!(error instanceof PluginError)) throw error;
  }
  return { name, bytes };
}

/**
 * The loop of `execute_workflow` over the body, in its order; throws
 * {@link PluginError} where the plugin raises (a 500).
 */
export function applyParams(
  graph: Graph,
  params: unknown,
  folder: InputFolder,
): AppliedParams {
  const applied: AppliedParams = {
    inputs: {},
    imageName: undefined,
    imageBytes: undefined,
    bypassed: [],
  };
  if (Array.isArray(params)) {
    throw new PluginError(
      "AttributeError",
      "'list' object has no attribute 'items'",
    );
  }
  for (const [tag, payload] of Object.entries(isRecord(params) ? params : {})) {
    if (payload === false) {
      applied.bypassed.push(tag);
      bypassNodes(graph, `$${tag}`);
      bypassNodes(graph, `#${tag}`);
      continue;
    }
    if (!isRecord(payload)) continue; // e.g. client_id: silently ignored
    for (const [input, value] of Object.entries(payload)) {
      if (isRecord(value)) {
        if (value.type !== "file") continue;
        const file = applyFile(graph, { tag, input }, value, folder);
        applied.imageName = file.name;
        applied.imageBytes = file.bytes;
        continue;
      }
      updateTaggedInput(graph, tag, input, value);
      (applied.inputs[tag] ??= {})[input] = value;
    }
  }
  return applied;
}

/**
 * `execute_workflow`'s answer from the history outputs: per node the
 * base64 of its `images` files (`[]` for other keys), under each tag of the
 * node without its first character; one file is a bare string.
 */
export function connectResult(
  graph: Graph,
  outputs: Record<string, string[]>,
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [id, images] of Object.entries(outputs)) {
    for (const tag of nodeTags(graph, id)) {
      result[tag.slice(1)] = images.length === 1 ? images[0] : images;
    }
  }
  return result;
}

/** Makes the `#output` nodes VHS_VideoCombine (they write `gifs`). */
export function asVhsOutput(graph: Graph): void {
  for (const id of taggedNodes(graph, "#output")) {
    const node = graph[id] as GraphNode;
    const source = Object.values(node.inputs).find(Array.isArray) ?? ["8", 0];
    graph[id] = {
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
        images: source,
      },
      "_meta": node._meta ?? { title: "#output" },
    };
  }
}

/**
 * aiohttp's page for an exception in a handler: the plain 500 text, or
 * with the traceback when ComfyUI runs in asyncio debug mode.
 */
export function pluginErrorPage(error: PluginError, debug: boolean): Response {
  const text = debug
    ? "500 Internal Server Error\n\nTraceback (most recent call last):\n" +
      '  File "custom_nodes/ComfyUI-Connect/services/workflow_service.py", ' +
      "in execute_workflow\n" +
      `${error.pythonType}: ${error.message}\n`
    : SERVER_ERROR_TEXT;
  return new Response(text, {
    status: 500,
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
}

/**
 * Saved ComfyUI-Connect workflows for the fake: the old bot's `api-video`
 * and a full one (JSON fixtures in tests/fixtures/connect_workflows/, also
 * given to the real plugin by the conformance test), and workflows made
 * from a tag list for tests that name their tags.
 *
 * @module
 */

import apiVideo from "../../fixtures/connect_workflows/api-video.json" with {
  type: "json",
};
import apiVideoFull from "../../fixtures/connect_workflows/api-video-full.json" with {
  type: "json",
};
import type { Graph, GraphNode } from "./history.ts";

/** The old bot's saved `api-video`: `Load Image $image` and `#output` only. */
export const OLD_BOT_WORKFLOW: Graph = apiVideo as unknown as Graph;
/** `api-video` with `$duration`, `$size`, `$prompt` and `$negative` too. */
export const FULL_WORKFLOW: Graph = apiVideoFull as unknown as Graph;
/** The `saved` option for a server whose `api-video` takes every input. */
export const FULL_SAVED: Readonly<Record<string, Graph>> = {
  "api-video": FULL_WORKFLOW,
};

/** Exposed tag → input names of the old bot's `api-video` workflow. */
export const DEFAULT_TAGS: Readonly<Record<string, readonly string[]>> = {
  image: ["image"],
};

/** The image the saved workflow had before any upload (what runs on bad base64). */
export const STALE_IMAGE_NAME = "example.png";

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
  values: Record<string, Record<string, unknown>>,
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

/** A saved graph exposing `tags`, with `values` applied, saving with SaveVideo. */
export function buildGraph(
  tags: Readonly<Record<string, readonly string[]>>,
  values: Record<string, Record<string, unknown>>,
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
  return graph;
}

/** A saved workflow made from tag → input names (the `tags` option). */
export function savedFromTags(
  tags: Readonly<Record<string, readonly string[]>>,
): Graph {
  return buildGraph(tags, {});
}

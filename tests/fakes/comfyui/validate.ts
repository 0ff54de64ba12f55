/**
 * `POST /prompt` validation of the fake (execution.py validate_prompt):
 * `no_prompt`, `invalid_prompt` (a node without class_type),
 * `missing_node_type`, and `prompt_outputs_failed_validation` with
 * realistic `node_errors` (an image or model not in the list, a mapped
 * template input of the wrong type).
 *
 * @module
 */

import type { Template } from "../../../lib/comfy/workflow.ts";
import type { FileStore } from "./history.ts";

/** Node classes the fake "has installed" (plus the template's). */
export const CORE_CLASSES: readonly string[] = [
  "CheckpointLoaderSimple",
  "CLIPLoader",
  "CLIPTextEncode",
  "CLIPVisionEncode",
  "CLIPVisionLoader",
  "CreateVideo",
  "KSampler",
  "KSamplerAdvanced",
  "LoadImage",
  "ModelSamplingSD3",
  "PrimitiveInt",
  "PrimitiveNode",
  "SaveVideo",
  "SaveWEBM",
  "UNETLoader",
  "VAEDecode",
  "VAELoader",
  "VHS_VideoCombine",
  "Wan22ImageToVideoLatent",
  "WanImageToVideo",
];

/** Whether the fake knows a node class. */
export function knownClass(name: string, template?: Template): boolean {
  return CORE_CLASSES.includes(name) ||
    Object.values(template?.graph ?? {}).some((n) => n.class_type === name);
}

/** A minimal `/object_info` (all classes, or the one named). */
export function objectInfo(
  name: string | undefined,
  template: Template | undefined,
): Record<string, unknown> {
  const names = name === undefined
    ? [
      ...new Set([
        ...CORE_CLASSES,
        ...Object.values(template?.graph ?? {}).map((n) => n.class_type),
      ]),
    ]
    : [name];
  const info: Record<string, unknown> = {};
  for (const n of names) {
    info[n] = {
      input: { required: {}, optional: {} },
      "input_order": { required: [] },
      output: [],
      "output_is_list": [],
      "output_name": [],
      name: n,
      "display_name": n,
      description: "",
      "python_module": "nodes",
      category: "fake",
      "output_node": /^Save|VHS_VideoCombine/.test(n),
    };
  }
  return info;
}

interface NodeError {
  type: string;
  message: string;
  details: string;
  "extra_info": Record<string, unknown>;
}

function failed(
  graph: Record<string, { "class_type": string }>,
  errors: Map<string, NodeError[]>,
): Record<string, unknown> {
  const nodeErrors: Record<string, unknown> = {};
  for (const [id, list] of errors) {
    nodeErrors[id] = {
      errors: list,
      "dependent_outputs": [],
      "class_type": graph[id]?.class_type,
    };
  }
  return {
    error: {
      type: "prompt_outputs_failed_validation",
      message: "Prompt outputs failed validation",
      details: "",
      "extra_info": {},
    },
    "node_errors": nodeErrors,
  };
}

function topError(type: string, message: string): Record<string, unknown> {
  return {
    error: { type, message, details: "", "extra_info": {} },
    "node_errors": {},
  };
}

/** What {@link validatePrompt} checks against. */
export interface ValidationContext {
  files: FileStore;
  template: Template | undefined;
  models: readonly string[] | undefined;
}

/** The 400 body for a bad prompt, or undefined when it is valid. */
export function validatePrompt(
  prompt: unknown,
  ctx: ValidationContext,
): Record<string, unknown> | undefined {
  if (typeof prompt !== "object" || prompt === null) {
    return topError("no_prompt", "No prompt provided");
  }
  const graph = prompt as Record<string, Record<string, unknown>>;
  for (const [id, node] of Object.entries(graph)) {
    if (
      typeof node?.class_type !== "string" || typeof node.inputs !== "object"
    ) {
      return topError(
        "invalid_prompt",
        `Cannot execute because node ${id} is missing the class_type property.`,
      );
    }
    if (!knownClass(node.class_type, ctx.template)) {
      return topError(
        "missing_node_type",
        `Node '${node.class_type}' not found. The custom node may not be installed.`,
      );
    }
  }
  const typed = graph as Record<
    string,
    { "class_type": string; inputs: Record<string, unknown> }
  >;
  const errors = new Map<string, NodeError[]>();
  const add = (id: string, input: string, type: string, details: string) => {
    const list = errors.get(id) ?? [];
    list.push({
      type,
      message: type === "value_not_in_list"
        ? "Value not in list"
        : "Failed to convert an input value to a INT value",
      details,
      "extra_info": { "input_name": input },
    });
    errors.set(id, list);
  };
  for (const [id, node] of Object.entries(typed)) {
    const value = node.inputs.image;
    if (node.class_type === "LoadImage" && typeof value === "string") {
      const slash = value.lastIndexOf("/");
      const ref = {
        filename: value.slice(slash + 1),
        subfolder: slash < 0 ? "" : value.slice(0, slash),
        type: "input" as const,
      };
      if (ctx.files.get(ref) === undefined) {
        add(id, "image", "value_not_in_list", `image: '${value}' not in []`);
      }
    }
    for (const [input, v] of Object.entries(node.inputs)) {
      if (ctx.models === undefined || !/_name$/.test(input)) continue;
      if (input === "sampler_name" || typeof v !== "string") continue;
      if (!ctx.models.includes(v)) {
        add(
          id,
          input,
          "value_not_in_list",
          `${input}: '${v}' not in ${JSON.stringify(ctx.models)}`,
        );
      }
    }
  }
  const t = ctx.template;
  if (t !== undefined) {
    for (const ref of [t.frames, t.width, t.height, ...t.seeds]) {
      const v = typed[ref.node]?.inputs[ref.input];
      if (!Number.isInteger(v)) {
        add(ref.node, ref.input, "invalid_input_type", `${ref.input}: ${v}`);
      }
    }
  }
  return errors.size > 0 ? failed(typed, errors) : undefined;
}

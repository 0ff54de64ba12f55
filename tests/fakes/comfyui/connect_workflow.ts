/**
 * The ComfyUI-Connect plugin's tag logic, ported line by line from
 * Good-Dream-Studio/ComfyUI-Connect @ dc1865bfbd9d8adb16909584a6a77af8ae068710
 * `entities/workflow.py` (class Workflow) for the fake. Quirks kept on
 * purpose, because the real plugin has them:
 * - `re.findall` with one group returns the tag without its parentheses,
 *   so `$tag(a,b)` and `$tag()` expose every input like `$tag`;
 * - every tag of an output node (`$`, `#`, `!`) becomes a result key;
 * - listed input types are Python type names (`str`, `int`, `list`, ...).
 *
 * @module
 */

import type { Graph, GraphNode } from "./history.ts";

/** A ValueError/KeyError/FileNotFoundError inside the plugin: HTTP 500. */
export class PluginError extends Error {
  /** The Python exception class, for the traceback line. */
  readonly pythonType: string;

  constructor(pythonType: string, message: string) {
    super(message);
    this.name = "PluginError";
    this.pythonType = pythonType;
  }
}

const TAG = /(\$[a-zA-Z0-9_-]+|#[a-zA-Z0-9_-]+|![a-zA-Z0-9_-]+)(?:\([^)]*\))?/g;

/** `get_tagged_nodes` for one title: the tags, parentheses dropped. */
export function tagsOf(title: string): string[] {
  return [...title.matchAll(TAG)].map((m) => m[1] ?? "");
}

/** `get_tagged_nodes(tag)`: ids of nodes whose title carries `tag`. */
export function taggedNodes(graph: Graph, tag?: string): string[] {
  return Object.entries(graph).filter(([, node]) => {
    const tags = tagsOf(node._meta?.title ?? "");
    return tags.length > 0 && (tag === undefined || tags.includes(tag));
  }).map(([id]) => id);
}

/** `get_node_tags`. */
export function nodeTags(graph: Graph, id: string): string[] {
  return tagsOf(graph[id]?._meta?.title ?? "");
}

/** Python's `type(value).__name__` for a JSON value. */
export function pythonType(value: unknown): string {
  if (value === null) return "NoneType";
  if (Array.isArray(value)) return "list";
  switch (typeof value) {
    case "string":
      return "str";
    case "boolean":
      return "bool";
    case "number":
      return Number.isInteger(value) ? "int" : "float";
    default:
      return "dict";
  }
}

/** `get_tagged_inputs`: tag name → input → Python type name. */
export function taggedInputs(
  graph: Graph,
): Record<string, Record<string, string>> {
  const byTag: Record<string, Record<string, string>> = {};
  for (const id of taggedNodes(graph)) {
    const node = graph[id] as GraphNode;
    for (const tag of nodeTags(graph, id)) {
      if (!tag.startsWith("$")) continue;
      const inputs = (byTag[tag.slice(1)] ??= {});
      for (const [key, value] of Object.entries(node.inputs ?? {})) {
        inputs[key] = pythonType(value);
      }
    }
  }
  return byTag;
}

/** `get_tagged_outputs`: the `#` tag names. */
export function taggedOutputs(graph: Graph): string[] {
  const found = new Set<string>();
  for (const id of taggedNodes(graph)) {
    for (const tag of nodeTags(graph, id)) {
      if (tag.startsWith("#")) found.add(tag.slice(1));
    }
  }
  return [...found];
}

/** `update_tagged_nodes_input`, with the plugin's error messages. */
export function updateTaggedInput(
  graph: Graph,
  tag: string,
  key: string,
  value: unknown,
): void {
  const inputs = taggedInputs(graph);
  if (inputs[tag] === undefined) {
    throw new PluginError(
      "ValueError",
      `No inputs available for tag '${tag}'. ` +
        `Ensure this tag exists and is not excluded (e.g. with '!').`,
    );
  }
  if (inputs[tag]?.[key] === undefined) {
    throw new PluginError(
      "ValueError",
      `The input '${key}' does not exist for tag '${tag}' ` +
        `(possibly not in the filtered list?).`,
    );
  }
  for (const id of taggedNodes(graph, `$${tag}`)) {
    const node = graph[id] as GraphNode;
    if (!(key in (node.inputs ?? {}))) {
      throw new PluginError(
        "ValueError",
        `Could not update node: no input '${key}' in node with tag ` +
          `'${tag}' (node found at id ${id}).`,
      );
    }
    node.inputs[key] = value;
  }
}

// `lowerSingular`: "IMAGES" and "image" name the same wire.
function lowerSingular(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith("s") ? lower.slice(0, -1) : lower;
}

/**
 * `bypass_nodes`: removes the nodes with `tag` and connects what they fed
 * to what fed them, wire by wire, matched by input name.
 */
export function bypassNodes(graph: Graph, tag: string): void {
  for (const skipId of taggedNodes(graph, tag)) {
    const skip = graph[skipId] as GraphNode;
    delete graph[skipId];
    const wires = new Map<string, unknown[]>();
    for (const [name, value] of Object.entries(skip.inputs ?? {})) {
      if (Array.isArray(value)) wires.set(lowerSingular(name), value);
    }
    for (const node of Object.values(graph)) {
      for (const [name, value] of Object.entries(node.inputs ?? {})) {
        if (!Array.isArray(value) || value[0] !== skipId) continue;
        const wire = wires.get(lowerSingular(name));
        if (wire !== undefined) node.inputs[name] = wire;
      }
    }
  }
}

/**
 * Workflow templates: the built-in ones (compiled into the binary) and
 * {@link loadTemplate}, which picks one by `COMFYUI_TEMPLATE`.
 *
 * @module
 */

import {
  type Graph,
  parseTemplate,
  type Template,
  TemplateError,
  type TemplateMapping,
} from "../workflow.ts";
import { WAN22_TI2V_5B_GRAPH, WAN22_TI2V_5B_MAPPING } from "./wan22_ti2v_5b.ts";

/** Built-in templates by name. */
export const BUILT_IN_TEMPLATES: Readonly<
  Record<string, { readonly graph: Graph; readonly mapping: TemplateMapping }>
> = {
  "wan22-ti2v-5b": {
    graph: WAN22_TI2V_5B_GRAPH,
    mapping: WAN22_TI2V_5B_MAPPING,
  },
};

/** The template used when `COMFYUI_TEMPLATE` is not set. */
export const DEFAULT_TEMPLATE = "wan22-ti2v-5b";

/** Reads a text file; `Deno.readTextFile` in production. */
export type ReadTextFile = (path: string) => Promise<string>;

/** `<dir>/<name>.json` → `<dir>/<name>.mapping.json`. */
export function mappingPathOf(graphPath: string): string {
  return graphPath.replace(/\.json$/i, "") + ".mapping.json";
}

async function readJson(
  name: string,
  path: string,
  readTextFile: ReadTextFile,
): Promise<unknown> {
  let text: string;
  try {
    text = await readTextFile(path);
  } catch (error) {
    throw new TemplateError(
      name,
      `cannot read "${path}": ${
        error instanceof Error ? error.message : String(error)
      }`,
    );
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new TemplateError(name, `"${path}" is not valid JSON`);
  }
}

/**
 * A template by built-in name, or from a path to an API-format `.json`
 * with `<same name>.mapping.json` beside it. Throws {@link TemplateError}.
 */
export async function loadTemplate(
  nameOrPath: string,
  readTextFile: ReadTextFile,
): Promise<Template> {
  const builtIn = BUILT_IN_TEMPLATES[nameOrPath];
  if (builtIn !== undefined) {
    return parseTemplate(nameOrPath, builtIn.graph, builtIn.mapping);
  }
  if (!/\.json$/i.test(nameOrPath)) {
    throw new TemplateError(
      nameOrPath,
      `not a built-in template (${
        Object.keys(BUILT_IN_TEMPLATES).join(", ")
      }) nor a path to a .json file`,
    );
  }
  const graph = await readJson(nameOrPath, nameOrPath, readTextFile);
  const mappingPath = mappingPathOf(nameOrPath);
  const mapping = await readJson(nameOrPath, mappingPath, readTextFile);
  return parseTemplate(nameOrPath, graph, mapping);
}

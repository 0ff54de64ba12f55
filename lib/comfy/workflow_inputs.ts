/**
 * What a saved ComfyUI-Connect workflow takes. The plugin refuses a whole
 * request (HTTP 500) when it names an input the workflow does not expose,
 * so the bot asks `GET /api/connect/workflows/<name>` first and sends only
 * what is listed. A workflow saved for the old bot exposes just `$image`.
 *
 * @module
 */

import { ComfyHttpError, ComfyOutputError } from "./errors.ts";
import type { ComfyHttp } from "./http.ts";

/** tag → input → Python type name, as the plugin lists them. */
export type WorkflowInputs = Readonly<
  Record<string, Readonly<Record<string, string>>>
>;

/** The values the bot can send besides the photo. */
export type InputFeature = "duration" | "size" | "prompt" | "negative";

/** A ComfyUI-Connect workflow input addressed as `tag.input`. */
export interface InputRef {
  readonly tag: string;
  readonly input: string;
}

/** The photo's input: the old bot's `Load Image $image` node. */
export const IMAGE_INPUT: InputRef = { tag: "image", input: "image" };

/** What one server's workflow takes, as far as the bot knows. */
export interface WorkflowSupport {
  readonly workflow: string;
  /**
   * `listed`: the plugin listed the inputs; `unlisted`: the plugin has no
   * listing (older versions), everything configured is sent; `unknown`:
   * not asked successfully yet.
   */
  readonly source: "listed" | "unlisted" | "unknown";
  /** Configured inputs the server does not take, e.g. `duration.value`. */
  readonly missing: readonly MissingInput[];
  /** Values turned off in the settings (`COMFYUI_*_INPUT=off`). */
  readonly off: readonly InputFeature[];
  /** False when the workflow has no `$image` input for the photo. */
  readonly image: boolean;
  /** Why the last listing failed, if it did. */
  readonly error?: string | undefined;
}

/** A configured input the workflow does not take. */
export interface MissingInput {
  readonly feature: InputFeature;
  /** `tag.input` as configured. */
  readonly ref: string;
}

/** Options of {@link fetchWorkflowInputs}. */
export interface FetchWorkflowInputsOptions {
  readonly http: ComfyHttp;
  readonly workflow: string;
  readonly signal?: AbortSignal | undefined;
}

const MAX_LISTING_BYTES = 1024 * 1024;

/**
 * Asks the plugin which inputs `workflow` exposes. Undefined when the
 * plugin has no such route (404/405: an older version); throws a
 * {@link ComfyError} otherwise (500: no such saved workflow).
 */
export async function fetchWorkflowInputs(
  options: FetchWorkflowInputsOptions,
): Promise<WorkflowInputs | undefined> {
  const path = `/api/connect/workflows/${encodeURIComponent(options.workflow)}`;
  let body: unknown;
  try {
    body = await options.http.getJson(path, options.signal, MAX_LISTING_BYTES);
  } catch (error) {
    if (
      error instanceof ComfyHttpError &&
      (error.status === 404 || error.status === 405)
    ) return undefined;
    throw error;
  }
  return parseWorkflowInputs(body, path);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Reads `{"status":"success","workflow":{"inputs":{...}}}`. */
export function parseWorkflowInputs(
  body: unknown,
  path: string,
): WorkflowInputs {
  const workflow = isRecord(body) ? body.workflow : undefined;
  const inputs = isRecord(workflow) ? workflow.inputs : undefined;
  if (!isRecord(inputs)) {
    throw new ComfyOutputError(`ComfyUI-Connect's "${path}" lists no inputs`);
  }
  const out: Record<string, Record<string, string>> = {};
  for (const [tag, names] of Object.entries(inputs)) {
    if (!isRecord(names)) continue;
    out[tag] = Object.fromEntries(
      Object.entries(names).map(([name, type]) => [name, String(type)]),
    );
  }
  return out;
}

/** Whether the listing has `ref`. */
export function takesInput(inputs: WorkflowInputs, ref: InputRef): boolean {
  return inputs[ref.tag]?.[ref.input] !== undefined;
}

/** `tag.input`. */
export function refName(ref: InputRef): string {
  return `${ref.tag}.${ref.input}`;
}

/**
 * The name of the input a plugin's 500 page says is unknown (ComfyUI run
 * with asyncio debug shows the traceback; the plain page names nothing):
 * `{ tag, input }`, input undefined when the whole tag is unknown.
 */
export function unknownInputIn(
  text: string,
): { tag: string; input: string | undefined } | undefined {
  const input = /The input '([^']+)' does not exist for tag '([^']+)'/.exec(
    text,
  );
  if (input?.[1] !== undefined && input[2] !== undefined) {
    return { tag: input[2], input: input[1] };
  }
  const tag = /No inputs available for tag '([^']+)'/.exec(text);
  return tag?.[1] === undefined ? undefined : { tag: tag[1], input: undefined };
}

/** A log line about what a workflow takes. */
export interface SupportChange {
  readonly level: "info" | "warn" | "error";
  readonly message: string;
  /** The missing inputs, comma separated, or "none". */
  readonly missing: string;
}

/**
 * What to log when a server's workflow support changed (the first answer
 * counts as a change when something is missing); undefined: nothing.
 */
export function supportChange(
  before: WorkflowSupport | undefined,
  after: WorkflowSupport,
): SupportChange | undefined {
  if (after.source === "unknown") return undefined;
  const names = (w: WorkflowSupport | undefined) =>
    (w?.missing ?? []).map((m) => m.ref).join(", ");
  const missing = names(after);
  const first = before === undefined || before.source === "unknown";
  const changed = first
    ? missing !== "" || !after.image
    : missing !== names(before) || after.image !== before.image;
  if (!changed) return undefined;
  const fields = { missing: missing === "" ? "none" : missing };
  if (!after.image) {
    return {
      level: "error",
      message: "the workflow has no $image input: every job fails",
      ...fields,
    };
  }
  return missing === ""
    ? {
      level: "info",
      message: "the workflow now takes every configured input",
      ...fields,
    }
    : {
      level: "warn",
      message:
        "the workflow does not take some inputs; jobs render without them",
      ...fields,
    };
}

/**
 * True when no server would receive `feature`: each one's workflow is
 * known to lack it, or the setting is off (servers that cannot say, and
 * plain ComfyUI servers, count as taking it).
 */
export function ignoredEverywhere(
  workflows: readonly (WorkflowSupport | undefined)[],
  feature: InputFeature,
): boolean {
  return workflows.length > 0 &&
    workflows.every((w) =>
      w !== undefined && (w.off.includes(feature) ||
        (w.source === "listed" && w.missing.some((m) => m.feature === feature)))
    );
}

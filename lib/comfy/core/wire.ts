/**
 * Small readers and namers for the core backend: the prompt id derived
 * from a job, the input file name, a prompt's place in `/queue`, and a
 * readable text for `/prompt`'s `node_errors`.
 *
 * @module
 */

import { detectImage } from "../../media/mod.ts";
import { graphUses } from "../history.ts";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * A stable UUID-shaped prompt id for a job (SHA-256 of its client id), so
 * a job submitted without a persisted id can still be found by id.
 */
export async function promptIdFor(clientId: string): Promise<string> {
  const data = new TextEncoder().encode(`lora-bot:${clientId}`);
  const bytes = new Uint8Array(await crypto.subtle.digest("SHA-256", data));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x80; // version 8: custom
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80; // RFC 4122 variant
  const hex = [...bytes.subarray(0, 16)]
    .map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${
    hex.slice(16, 20)
  }-${hex.slice(20, 32)}`;
}

const EXTENSIONS = { jpeg: "jpg", png: "png", webp: "webp" } as const;

/** `input_<clientId>.<jpg|png|webp>`: names the upload after the job. */
export function coreInputName(clientId: string, image: Uint8Array): string {
  return `input_${clientId}.${EXTENSIONS[detectImage(image) ?? "jpeg"]}`;
}

/** Every name {@link coreInputName} may have given a job's photo. */
export function inputNames(clientId: string): string[] {
  return Object.values(EXTENSIONS).map((ext) => `input_${clientId}.${ext}`);
}

/** Where a prompt stands in `/queue`. */
export interface QueuePlace {
  readonly promptId: string;
  readonly running: boolean;
  /** Prompts that run before it (the running one included). */
  readonly ahead: number;
}

/**
 * Finds a prompt in a `/queue` answer by id, or by a graph that loads one
 * of `names` (a server that ignored our prompt id). Pending items come in
 * heap order, so the position is counted by their `number`.
 */
export function queuePlace(
  queue: unknown,
  promptId: string,
  names: readonly string[] = [],
): QueuePlace | undefined {
  if (!isRecord(queue)) return undefined;
  const list = (key: string) =>
    (Array.isArray(queue[key]) ? queue[key] : []).filter((item) =>
      Array.isArray(item) && typeof item[1] === "string"
    ) as unknown[][];
  const running = list("queue_running");
  const pending = list("queue_pending");
  const matches = (item: unknown[]) =>
    item[1] === promptId || names.some((name) => graphUses(item[2], name));
  const run = running.find(matches);
  if (run !== undefined) {
    return { promptId: String(run[1]), running: true, ahead: 0 };
  }
  const mine = pending.find(matches);
  if (mine === undefined) return undefined;
  const number = Number(mine[0]);
  const before = pending.filter((item) => Number(item[0]) < number).length;
  return {
    promptId: String(mine[1]),
    running: false,
    ahead: before + running.length,
  };
}

/** A readable line from a `/prompt` 400 body (error + node_errors). */
export function describePromptError(body: unknown): string {
  if (!isRecord(body)) return "ComfyUI rejected the workflow";
  const error = body.error;
  const head = isRecord(error)
    ? String(error.message ?? error.type ?? "invalid prompt")
    : typeof error === "string"
    ? error
    : "invalid prompt";
  const parts: string[] = [];
  const nodes = isRecord(body.node_errors) ? body.node_errors : {};
  for (const [id, value] of Object.entries(nodes)) {
    if (!isRecord(value)) continue;
    const errors = Array.isArray(value.errors) ? value.errors : [];
    for (const e of errors) {
      if (!isRecord(e)) continue;
      const details = typeof e.details === "string" && e.details !== ""
        ? ` (${e.details})`
        : "";
      parts.push(
        `node "${id}" (${String(value.class_type ?? "?")}): ${
          String(e.message ?? e.type ?? "error")
        }${details}`,
      );
    }
  }
  const text = parts.length > 0 ? `${head}: ${parts.join("; ")}` : head;
  return `ComfyUI rejected the workflow: ${text}`.slice(0, 600);
}

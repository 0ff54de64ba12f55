/**
 * The fake's plain-ComfyUI API (server.py, execution.py): `POST
 * /upload/image`, `POST /prompt` with validation, `GET /object_info`, and
 * running a prompt with realistic websocket events and a history entry
 * for its output node. See comfyui-contract.md §1, §2 and §6.
 *
 * @module
 */

import type { Template } from "../../../lib/comfy/workflow.ts";
import type { ConnectMode } from "./connect.ts";
import { json, type Route } from "./core.ts";
import type {
  FileStore,
  Graph,
  HistoryStore,
  QueueItem,
  RenderQueue,
} from "./history.ts";
import { upload } from "./upload.ts";
import { finishJob, interruptedEntry } from "./render.ts";
import { knownClass, objectInfo, validatePrompt } from "./validate.ts";
import type { WsEvent, WsHub } from "./ws.ts";

/** One `POST /prompt` the fake answered. */
export interface PromptRecord {
  /** 1-based, in arrival order. */
  id: number;
  /** The graph as received (also rejected ones). */
  graph: unknown;
  clientId: string | undefined;
  /** The client's `prompt_id`, if it sent one. */
  requestedId: string | undefined;
  /** The id the fake used; "" when rejected. */
  promptId: string;
  status: number;
  /** The 400 body, when rejected. */
  error: unknown;
}

/** One `POST /upload/image`. */
export interface UploadRecord {
  /** The name the client sent and the name the file was saved under. */
  requested: string;
  saved: string;
  overwrite: boolean;
  bytes: Uint8Array;
}

/** What the core API reads and reports. */
export interface CoreApiDeps {
  history: HistoryStore;
  files: FileStore;
  queue: RenderQueue;
  hub: WsHub;
  /** The mode and render time of the next job, read at submit. */
  mode(): ConnectMode;
  renderMs(): number;
  video(image: Uint8Array | undefined): Uint8Array<ArrayBuffer>;
  nextNumber(): number;
  template: Template | undefined;
  models: readonly string[] | undefined;
  onPrompt(record: Omit<PromptRecord, "id">): void;
  onUpload(record: UploadRecord): void;
}

const OUTPUT_CLASSES =
  /^(SaveVideo|SaveWEBM|SaveAnimated\w*|VHS_VideoCombine)$/;

/** Core routes plus the job runner that emits websocket events. */
export class CoreApi {
  readonly #deps: CoreApiDeps;
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  /** Prompt id → client id and the node it executes now. */
  readonly #running = new Map<string, { clientId: string; node: string }>();

  constructor(deps: CoreApiDeps) {
    this.#deps = deps;
  }

  /** `executing` of the client's running prompt, re-sent on reconnect. */
  runningEvent(clientId: string): WsEvent | undefined {
    for (const [promptId, run] of this.#running) {
      if (run.clientId !== clientId) continue;
      return {
        type: "executing",
        data: {
          node: run.node,
          "display_node": run.node,
          "prompt_id": promptId,
        },
      };
    }
    return undefined;
  }

  /** Clears pending event timers (restart, close). */
  stop(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#running.clear();
  }

  /** POST /prompt, POST /upload/image, GET /object_info[/class]. */
  routes(): Route[] {
    return [
      {
        method: "POST",
        pattern: /^\/prompt$/,
        handler: (req) => this.#postPrompt(req),
      },
      {
        method: "POST",
        pattern: /^\/upload\/image$/,
        handler: async (req) => {
          const result = await upload(req, this.#deps.files);
          if (result instanceof Response) return result;
          this.#deps.onUpload(result.record);
          return json(result.answer);
        },
      },
      {
        method: "GET",
        pattern: /^\/object_info$/,
        handler: () => json(objectInfo(undefined, this.#deps.template)),
      },
      {
        method: "GET",
        pattern: /^\/object_info\/([^/]+)$/,
        handler: (_req, [name = ""]) =>
          json(
            knownClass(name, this.#deps.template)
              ? objectInfo(name, this.#deps.template)
              : {},
          ),
      },
    ];
  }

  async #postPrompt(req: Request): Promise<Response> {
    const body = await req.json().catch(() => undefined);
    const fields = typeof body === "object" && body !== null ? body : {};
    const clientId = typeof fields["client_id"] === "string"
      ? fields["client_id"]
      : undefined;
    const requestedId = typeof fields["prompt_id"] === "string"
      ? fields["prompt_id"]
      : undefined;
    const base = { graph: fields.prompt, clientId, requestedId };
    const error = validatePrompt(fields.prompt, {
      files: this.#deps.files,
      template: this.#deps.template,
      models: this.#deps.models,
    });
    if (error !== undefined) {
      this.#deps.onPrompt({ ...base, promptId: "", status: 400, error });
      return json(error, 400);
    }
    const graph = fields.prompt as Graph;
    const promptId = requestedId ?? crypto.randomUUID();
    const number = this.#deps.nextNumber();
    const outputs = Object.keys(graph).filter((id) =>
      OUTPUT_CLASSES.test(graph[id]?.class_type ?? "")
    );
    const item: QueueItem = [
      number,
      promptId,
      graph,
      clientId === undefined ? {} : { "client_id": clientId },
      outputs,
    ];
    this.#deps.onPrompt({ ...base, promptId, status: 200, error: undefined });
    this.#enqueue(item, clientId ?? "");
    return json({ "prompt_id": promptId, number, "node_errors": {} });
  }

  #enqueue(item: QueueItem, clientId: string): void {
    const { queue, hub, history, files } = this.#deps;
    const mode = this.#deps.mode();
    const renderMs = this.#deps.renderMs();
    const graph = item[2];
    const promptId = item[1];
    const image = Object.values(graph).find((n) => n.class_type === "LoadImage")
      ?.inputs.image;
    const video = this.#deps.video(
      typeof image === "string"
        ? files.get({ filename: image, subfolder: "", type: "input" })
        : undefined,
    );
    const mine = new Set<ReturnType<typeof setTimeout>>();
    const clear = () => {
      for (const t of mine) {
        clearTimeout(t);
        this.#timers.delete(t);
      }
      this.#running.delete(promptId);
    };
    const send = (type: string, data: Record<string, unknown>) =>
      hub.sendTo(clientId, { type, data: { ...data, "prompt_id": promptId } });
    let startedAt = Date.now();
    queue.enqueue({
      item,
      renderMs,
      start: () => {
        startedAt = Date.now();
        this.#running.set(promptId, { clientId, node: "" });
        hub.broadcast(hub.statusEvent());
        this.#schedule(item, clientId, renderMs, mine);
      },
      finish: () => {
        clear();
        const sampler = samplerOf(graph);
        finishJob({ history, files, video }, {
          item,
          mode,
          startedAt,
          outputNode: item[4][0] ?? "9",
          ...(sampler ? { samplerNode: sampler } : {}),
        });
        const entry = history.get(promptId);
        const failure = entry?.status.messages.find(([type]) =>
          type === "execution_error"
        );
        if (failure !== undefined) {
          send("execution_error", failure[1]);
        } else {
          for (const [node, output] of Object.entries(entry?.outputs ?? {})) {
            send("executed", { node, "display_node": node, output });
          }
          send("execution_success", { timestamp: Date.now() });
        }
        send("executing", { node: null });
      },
      interrupt: () => {
        clear();
        history.put(promptId, interruptedEntry(item, startedAt));
        const interrupted = history.get(promptId)?.status.messages.at(-1);
        hub.broadcast({
          type: "execution_interrupted",
          data: interrupted?.[1] ?? {},
        });
        send("executing", { node: null });
      },
      settle: () => {
        clear();
        hub.broadcast(hub.statusEvent());
      },
    });
    hub.broadcast(hub.statusEvent());
  }

  // execution_start, execution_cached, then `executing` per node and
  // `progress` steps for samplers, spread over the render time.
  #schedule(
    item: QueueItem,
    clientId: string,
    renderMs: number,
    mine: Set<ReturnType<typeof setTimeout>>,
  ): void {
    const { hub } = this.#deps;
    const [, promptId, graph, , outputs] = item;
    const events: WsEvent[] = [];
    const add = (type: string, data: Record<string, unknown>) =>
      events.push({ type, data: { ...data, "prompt_id": promptId } });
    add("execution_start", { timestamp: Date.now() });
    add("execution_cached", { nodes: [], timestamp: Date.now() });
    const order = Object.keys(graph).filter((id) => !outputs.includes(id))
      .concat(outputs);
    for (const id of order) {
      add("executing", { node: id, "display_node": id });
      const node = graph[id];
      if (!node?.class_type.includes("Sampler")) continue;
      const max = Math.min(Number(node.inputs.steps) || 20, 8);
      for (let value = 1; value <= max; value++) {
        add("progress", { value, max, node: id });
      }
    }
    let dropped = false;
    events.forEach((event, i) => {
      const at = Math.floor((renderMs * 0.9 * i) / events.length);
      const timer = setTimeout(() => {
        mine.delete(timer);
        this.#timers.delete(timer);
        if (event.type === "executing") {
          this.#running.set(promptId, {
            clientId,
            node: String(event.data.node),
          });
        }
        hub.sendTo(clientId, event);
        if (event.type === "progress") hub.sendPreview(clientId);
        if (
          event.type === "progress" && hub.mode === "drop_mid_job" && !dropped
        ) {
          dropped = true;
          hub.drop(clientId);
        }
      }, at);
      mine.add(timer);
      this.#timers.add(timer);
    });
  }
}

function samplerOf(graph: Graph): { id: string; type: string } | undefined {
  const id = Object.keys(graph).find((key) =>
    graph[key]?.class_type.includes("Sampler")
  );
  return id === undefined
    ? undefined
    : { id, type: graph[id]?.class_type ?? "KSampler" };
}

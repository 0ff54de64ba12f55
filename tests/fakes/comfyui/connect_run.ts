/**
 * `POST /connect/workflows/{name}` of the fake, as the plugin's
 * `execute_workflow` and `run_workflow` handle it (see ./connect.ts
 * for the upstream commit and its rules): read the body, apply it to a copy
 * of the saved workflow in order, queue the graph, answer with the outputs
 * of its history entry.
 *
 * @module
 */

import {
  applyParams,
  asVhsOutput,
  type ConnectMode,
  type ConnectRequest,
  connectResult,
  OUTPUT_NODE,
  pluginErrorPage,
  redactBody,
} from "./connect.ts";
import { connectionDrop, json } from "./core.ts";
import type {
  FileStore,
  Graph,
  HistoryStore,
  QueueItem,
  RenderQueue,
} from "./history.ts";
import { connectOutputs, renderConnectJob } from "./render.ts";
import { bypassNodes, PluginError } from "./connect_workflow.ts";

/** What a run reads and changes of the fake server. */
export interface ConnectRunContext {
  readonly mode: ConnectMode;
  readonly renderMs: number;
  readonly outputFiles: number;
  readonly workflows: ReadonlyMap<string, Graph>;
  readonly files: FileStore;
  readonly history: HistoryStore;
  readonly queue: RenderQueue;
  /** aiohttp in asyncio debug mode: 500 pages carry the traceback. */
  readonly debug: boolean;
  /** The plugin's own websocket client id (ComfyUI sees this one). */
  readonly pluginClientId: string;
  closed(): boolean;
  nextNumber(): number;
  video(image: Uint8Array | undefined): Uint8Array<ArrayBuffer>;
  record(request: Omit<ConnectRequest, "id">): void;
  /** Resolves when the server restarts or closes (a hanging answer). */
  untilDropped(): Promise<void>;
}

/** Runs a saved workflow like the plugin; answers as aiohttp would. */
export async function runWorkflow(
  ctx: ConnectRunContext,
  req: Request,
  workflow: string,
): Promise<Response> {
  const mode = ctx.mode;
  const base: Omit<ConnectRequest, "id"> = {
    workflow,
    body: {},
    imageName: undefined,
    imageBytes: undefined,
    inputs: {},
    clientIdField: undefined,
    promptId: "",
    at: Date.now(),
    mode,
    bypassed: [],
    rejected: undefined,
  };
  const reject = (error: PluginError, recorded = base) => {
    ctx.record({ ...recorded, rejected: error.message });
    return pluginErrorPage(error, ctx.debug);
  };
  let params: unknown;
  try {
    params = await req.json();
  } catch {
    return reject(new PluginError("JSONDecodeError", "Invalid JSON body"));
  }
  if (
    typeof params === "object" && params !== null && !Array.isArray(params)
  ) {
    base.body = redactBody(params as Record<string, unknown>);
    base.clientIdField = (params as Record<string, unknown>)["client_id"];
  }
  const saved = ctx.workflows.get(workflow);
  if (saved === undefined) {
    return reject(
      new PluginError(
        "FileNotFoundError",
        `Workflow '${workflow}' not found.`,
      ),
    );
  }
  const graph = structuredClone(saved);
  bypassNodes(graph, "!bypass");
  const folder = {
    exists: (name: string) =>
      ctx.files.get({ filename: name, subfolder: "", type: "input" }) !==
        undefined,
    // Written before the other inputs are checked, like the plugin.
    write: (name: string, bytes: Uint8Array<ArrayBuffer>) =>
      ctx.files.put({ filename: name, subfolder: "", type: "input" }, bytes),
  };
  let applied;
  try {
    applied = applyParams(graph, params, folder);
  } catch (error) {
    if (!(error instanceof PluginError)) throw error;
    return reject(error);
  }
  const recorded = { ...base, ...applied };
  if (mode === "error500") {
    // A /prompt validation 400 surfaces as KeyError 'prompt_id' → 500.
    return reject(new PluginError("KeyError", "'prompt_id'"), recorded);
  }
  if (ctx.closed()) return connectionDrop();
  return await execute(ctx, graph, recorded);
}

async function execute(
  ctx: ConnectRunContext,
  graph: Graph,
  recorded: Omit<ConnectRequest, "id">,
): Promise<Response> {
  const { mode, workflow, imageBytes } = recorded;
  if (mode !== "direct" && mode !== "bad_output") asVhsOutput(graph);
  const item: QueueItem = [
    ctx.nextNumber(),
    crypto.randomUUID(),
    graph,
    { "client_id": ctx.pluginClientId },
    [OUTPUT_NODE],
  ];
  ctx.record({ ...recorded, promptId: item[1] });
  const video = ctx.video(imageBytes);
  const outcome = await renderConnectJob(
    { queue: ctx.queue, history: ctx.history, files: ctx.files },
    { item, mode, renderMs: ctx.renderMs, video, count: ctx.outputFiles },
  );
  if (outcome === "dropped") return connectionDrop();
  if (mode === "hang") {
    await ctx.untilDropped();
    return connectionDrop();
  }
  const outputs = connectOutputs(ctx.history, ctx.files, item[1]);
  if (outputs === undefined) {
    return pluginErrorPage(
      new PluginError("KeyError", `'${item[1]}'`),
      ctx.debug,
    );
  }
  return json({
    status: "success",
    workflow,
    result: connectResult(graph, outputs),
  });
}

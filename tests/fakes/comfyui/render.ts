/**
 * What a finished job leaves behind on the fake ComfyUI: the output files
 * (core SaveVideo or VHS_VideoCombine style) and the `/history` entry, per
 * Connect mode. Shapes follow /work/shared/comfyui-contract.md §1 and §4.
 *
 * @module
 */

import { SAMPLE_PNG } from "../../fixtures/media.ts";
import {
  type ConnectMode,
  encodeBase64,
  OUTPUT_NODE,
  SAMPLER_NODE,
} from "./connect.ts";
import type {
  FileRef,
  FileStore,
  HistoryEntry,
  HistoryStore,
  QueueItem,
  RenderQueue,
} from "./history.ts";

/** `status` of a successful run (start, cached, success messages). */
export function successStatus(
  promptId: string,
  startedAt: number,
  endedAt: number,
): HistoryEntry["status"] {
  return {
    "status_str": "success",
    completed: true,
    messages: [
      ["execution_start", { "prompt_id": promptId, timestamp: startedAt }],
      ["execution_cached", {
        nodes: [],
        "prompt_id": promptId,
        timestamp: startedAt,
      }],
      ["execution_success", { "prompt_id": promptId, timestamp: endedAt }],
    ],
  };
}

/** Details of a node failure for {@linkcode errorStatus}. */
export interface ExecutionErrorInfo {
  nodeId: string;
  nodeType: string;
  executed: string[];
  exceptionType: string;
  exceptionMessage: string;
}

/** `status` of a run that raised in a node (e.g. torch.OutOfMemoryError). */
export function errorStatus(
  promptId: string,
  times: { startedAt: number; endedAt: number },
  error: ExecutionErrorInfo,
): HistoryEntry["status"] {
  const { startedAt, endedAt } = times;
  return {
    "status_str": "error",
    completed: false,
    messages: [
      ["execution_start", { "prompt_id": promptId, timestamp: startedAt }],
      ["execution_cached", {
        nodes: [],
        "prompt_id": promptId,
        timestamp: startedAt,
      }],
      ["execution_error", {
        "prompt_id": promptId,
        "node_id": error.nodeId,
        "node_type": error.nodeType,
        executed: error.executed,
        "exception_message": error.exceptionMessage,
        "exception_type": error.exceptionType,
        traceback: [],
        "current_inputs": {},
        "current_outputs": {},
        timestamp: endedAt,
      }],
    ],
  };
}

/** The history entry of a prompt stopped by `POST /interrupt`. */
export function interruptedEntry(
  item: QueueItem,
  startedAt: number,
): HistoryEntry {
  const promptId = item[1];
  return {
    prompt: item,
    outputs: {},
    status: {
      "status_str": "error",
      completed: false,
      messages: [
        ["execution_start", { "prompt_id": promptId, timestamp: startedAt }],
        ["execution_interrupted", {
          "prompt_id": promptId,
          "node_id": SAMPLER_NODE,
          "node_type": "KSampler",
          executed: [],
          timestamp: Date.now(),
        }],
      ],
    },
    meta: {},
  };
}

/** `meta` of newer builds: one record per output node. */
export function outputMeta(
  nodeIds: readonly string[],
): Record<string, unknown> {
  const meta: Record<string, unknown> = {};
  for (const id of nodeIds) {
    meta[id] = {
      "node_id": id,
      "display_node": id,
      "parent_node": null,
      "real_node_id": id,
    };
  }
  return meta;
}

/** Message of the OOM raised in `runtime_error` mode (ComfyUI#10246). */
export const OOM_MESSAGE = "Allocation on device \nThis error means you ran " +
  "out of memory on your GPU.\n\nTIPS: If the workflow worked before you " +
  "might have accidentally set the batch_size to a large number.";

/** Bytes served instead of a video in `bad_output` mode (a proxy error page). */
export const BAD_OUTPUT_BYTES: Uint8Array<ArrayBuffer> = new TextEncoder()
  .encode(
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n" +
      "<center><h1>502 Bad Gateway</h1></center>\r\n" +
      "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
  );

/** Core SaveVideo: `images` + `animated`, subfolder ""; `count` files. */
export function saveVideoOutputs(
  files: FileStore,
  bytes: Uint8Array<ArrayBuffer>,
  count = 1,
): Record<string, unknown> {
  const refs = Array.from({ length: count }, () => {
    const n = String(files.nextCounter("ComfyUI")).padStart(5, "0");
    const ref = {
      filename: `ComfyUI_${n}_.mp4`,
      subfolder: "",
      type: "output" as const,
    };
    files.put(ref, bytes);
    return ref;
  });
  return { images: refs, animated: [true] };
}

/** VHS_VideoCombine: `gifs` with format, frame_rate, workflow, fullpath; subfolder "video". */
export function saveVhsOutputs(
  files: FileStore,
  bytes: Uint8Array<ArrayBuffer>,
): Record<string, unknown> {
  const n = String(files.nextCounter("video/AnimateDiff")).padStart(5, "0");
  const filename = `AnimateDiff_${n}.mp4`;
  const workflow = `AnimateDiff_${n}.png`;
  files.put({ filename, subfolder: "video", type: "output" }, bytes);
  files.put(
    { filename: workflow, subfolder: "video", type: "output" },
    SAMPLE_PNG,
  );
  return {
    gifs: [{
      filename,
      subfolder: "video",
      type: "output",
      format: "video/h264-mp4",
      "frame_rate": 16,
      workflow,
      fullpath: `/opt/ComfyUI/output/video/${filename}`,
    }],
  };
}

/** Where {@linkcode finishJob} writes. */
export interface RenderTarget {
  history: HistoryStore;
  files: FileStore;
  /** Bytes of a successfully rendered video. */
  video: Uint8Array<ArrayBuffer>;
}

/** A job whose render time is over. */
export interface FinishedJob {
  item: QueueItem;
  mode: ConnectMode;
  startedAt: number;
  /** Node that saves the video (default the Connect graph's "9"). */
  outputNode?: string;
  /** Node that raises in `runtime_error` mode (default "3", KSampler). */
  samplerNode?: { id: string; type: string };
  /** Files the output node saves (`images` style); default 1. */
  count?: number;
}

/**
 * Writes the files and history entry of a finished job (nothing in "lost"
 * mode).
 */
export function finishJob(target: RenderTarget, job: FinishedJob): void {
  const { item, mode, startedAt } = job;
  const outputNode = job.outputNode ?? OUTPUT_NODE;
  const sampler = job.samplerNode ?? { id: SAMPLER_NODE, type: "KSampler" };
  const promptId = item[1];
  const endedAt = Date.now();
  if (mode === "lost") return;
  if (mode === "runtime_error") {
    const graph = item[2];
    const executed = Object.keys(graph).filter((id) =>
      graph[id]?.class_type === "LoadImage" ||
      graph[id]?.class_type.startsWith("Primitive")
    );
    target.history.put(promptId, {
      prompt: item,
      outputs: {},
      status: errorStatus(promptId, { startedAt, endedAt }, {
        nodeId: sampler.id,
        nodeType: sampler.type,
        executed,
        exceptionType: "torch.OutOfMemoryError",
        exceptionMessage: OOM_MESSAGE,
      }),
      meta: {},
    });
    return;
  }
  const images = mode === "direct" || mode === "bad_output";
  const bytes = mode === "bad_output" ? BAD_OUTPUT_BYTES : target.video;
  const outputs = images
    ? saveVideoOutputs(target.files, bytes, job.count)
    : saveVhsOutputs(target.files, bytes);
  const entry: HistoryEntry = {
    prompt: item,
    outputs: { [outputNode]: outputs },
    status: successStatus(promptId, startedAt, endedAt),
    meta: outputMeta([outputNode]),
  };
  target.history.put(promptId, entry);
}

/**
 * `run_workflow` of the plugin: for every node in the history entry's
 * outputs, the base64 of each `images` file and `[]` for nodes without
 * `images`; undefined when the entry is missing (a KeyError there).
 */
export function connectOutputs(
  history: HistoryStore,
  files: FileStore,
  promptId: string,
): Record<string, string[]> | undefined {
  const entry = history.get(promptId);
  if (entry === undefined) return undefined;
  const out: Record<string, string[]> = {};
  for (const [node, output] of Object.entries(entry.outputs)) {
    const images = (output as Record<string, unknown>).images;
    out[node] = Array.isArray(images)
      ? images.map((ref: FileRef) =>
        encodeBase64(files.get(ref) ?? new Uint8Array())
      )
      : [];
  }
  return out;
}

/** Where {@linkcode renderConnectJob} queues and writes. */
export interface ConnectJobTarget {
  queue: RenderQueue;
  history: HistoryStore;
  files: FileStore;
}

/** Queues a Connect job; resolves when it ended, or "dropped". */
export function renderConnectJob(
  target: ConnectJobTarget,
  job: {
    item: QueueItem;
    mode: ConnectMode;
    renderMs: number;
    video: Uint8Array<ArrayBuffer>;
    count: number;
  },
): Promise<"done" | "dropped"> {
  const { item, mode, renderMs, video, count } = job;
  const { history, files } = target;
  return new Promise((resolve) => {
    target.queue.enqueue({
      item,
      renderMs,
      finish: () => {
        finishJob(
          { history, files, video },
          { item, mode, startedAt: Date.now() - renderMs, count },
        );
      },
      interrupt: () => {
        history.put(item[1], interruptedEntry(item, Date.now() - renderMs));
      },
      settle: resolve,
    });
  });
}

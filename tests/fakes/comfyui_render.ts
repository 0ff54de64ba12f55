/**
 * What a finished job leaves behind on the fake ComfyUI: the output files
 * (core SaveVideo or VHS_VideoCombine style) and the `/history` entry, per
 * Connect mode. Shapes follow /work/shared/comfyui-contract.md §1 and §4.
 *
 * @module
 */

import { SAMPLE_PNG } from "../fixtures/media.ts";
import {
  type ConnectMode,
  encodeBase64,
  OUTPUT_NODE,
  SAMPLER_NODE,
} from "./comfyui_connect.ts";
import type {
  FileStore,
  HistoryEntry,
  HistoryStore,
  QueueItem,
  RenderQueue,
} from "./comfyui_history.ts";

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

/** Core SaveVideo: `images` + `animated`, subfolder "". */
export function saveVideoOutputs(
  files: FileStore,
  bytes: Uint8Array<ArrayBuffer>,
): Record<string, unknown> {
  const n = String(files.nextCounter("ComfyUI")).padStart(5, "0");
  const ref = {
    filename: `ComfyUI_${n}_.mp4`,
    subfolder: "",
    type: "output" as const,
  };
  files.put(ref, bytes);
  return { images: [ref], animated: [true] };
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
}

/**
 * Writes the files and history entry of a finished job (nothing in "lost"
 * mode) and returns what Connect puts in `result.output`: base64 of each
 * `images` file, `[]` for `gifs` outputs and runtime errors.
 */
export function finishJob(target: RenderTarget, job: FinishedJob): string[] {
  const { item, mode, startedAt } = job;
  const outputNode = job.outputNode ?? OUTPUT_NODE;
  const sampler = job.samplerNode ?? { id: SAMPLER_NODE, type: "KSampler" };
  const promptId = item[1];
  const endedAt = Date.now();
  if (mode === "lost") return [];
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
    return [];
  }
  const images = mode === "direct" || mode === "bad_output";
  const bytes = mode === "bad_output" ? BAD_OUTPUT_BYTES : target.video;
  const outputs = images
    ? saveVideoOutputs(target.files, bytes)
    : saveVhsOutputs(target.files, bytes);
  const entry: HistoryEntry = {
    prompt: item,
    outputs: { [outputNode]: outputs },
    status: successStatus(promptId, startedAt, endedAt),
    meta: outputMeta([outputNode]),
  };
  target.history.put(promptId, entry);
  return images ? [encodeBase64(bytes)] : [];
}

/** Where {@linkcode renderConnectJob} queues and writes. */
export interface ConnectJobTarget {
  queue: RenderQueue;
  history: HistoryStore;
  files: FileStore;
}

/** Queues a Connect job; resolves with its `output` list, or "dropped". */
export function renderConnectJob(
  target: ConnectJobTarget,
  job: {
    item: QueueItem;
    mode: ConnectMode;
    renderMs: number;
    video: Uint8Array<ArrayBuffer>;
  },
): Promise<string[] | "dropped"> {
  const { item, mode, renderMs, video } = job;
  const { history, files } = target;
  return new Promise((resolve) => {
    let output: string[] = [];
    target.queue.enqueue({
      item,
      renderMs,
      finish: () => {
        output = finishJob(
          { history, files, video },
          { item, mode, startedAt: Date.now() - renderMs },
        );
      },
      interrupt: () => {
        history.put(item[1], interruptedEntry(item, Date.now() - renderMs));
      },
      settle: (outcome) => resolve(outcome === "done" ? output : outcome),
    });
  });
}

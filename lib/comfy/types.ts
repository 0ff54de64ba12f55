/**
 * What every ComfyUI backend offers the job runner: render a photo into a
 * video, find a job again after a restart, cancel one. Shared by the
 * ComfyUI-Connect client and the plain ComfyUI (core) client.
 *
 * @module
 */

import type { Aspect } from "../media/mod.ts";
import type { VideoFile } from "./spool.ts";
import type { WorkflowSupport } from "./workflow_inputs.ts";

// Defined beside the workflow inputs it names (types.ts importing that file
// and not the other way round keeps the two out of a loop).
export type { InputRef } from "./workflow_inputs.ts";

/** Where a render stands, as the core backend learns it from ComfyUI. */
export interface RenderProgress {
  /** 0..1, never decreasing within one render. */
  readonly fraction: number;
  /** Prompts ComfyUI runs before this one, while it still waits. */
  readonly queueAhead?: number;
  /** True once ComfyUI started executing this prompt. */
  readonly running: boolean;
}

/** One image-to-video job as the bot asks for it. */
export interface RenderRequest {
  /** `telegram_<user id>_<ms>`: names the input file, so it finds the job. */
  readonly clientId: string;
  readonly image: Uint8Array;
  readonly durationSeconds: number;
  readonly sizePx: number;
  /** The aspect ratio of the video; absent: the photo's. */
  readonly aspect?: Aspect | undefined;
  /**
   * The motion prompt (the positive text); absent: the workflow's own.
   * Already cleaned (one line, bounded length).
   */
  readonly prompt?: string | undefined;
  /** The negative text; only sent together with {@link prompt}. */
  readonly negative?: string | undefined;
  /**
   * The ComfyUI prompt id, chosen and persisted by the bot before it
   * submits, so a restart can ask `/history/<id>` directly. The core
   * backend derives a stable one from `clientId` when it is absent;
   * ComfyUI-Connect cannot use it.
   */
  readonly promptId?: string;
  /** Live progress (core backend only); called often, must not throw. */
  readonly onProgress?: (progress: RenderProgress) => void;
  /** Aborts the job on the bot's side (shutdown, cancel). */
  readonly signal?: AbortSignal;
}

/** A finished video. */
export interface RenderResult {
  /** In the spool; the caller discards it once delivered. */
  readonly file: VideoFile;
  /** `direct` when it came in Connect's answer, `history` via `/view`. */
  readonly via: "direct" | "history";
  /** Made by the preview backend: not AI, and the user is told so. */
  readonly preview?: boolean;
}

/** Finds a job again after the bot restarted. */
export interface RecoverRequest {
  readonly clientId: string;
  /** The prompt id persisted at submit time, when the backend has one. */
  readonly promptId?: string;
  /** Live progress while the recovered job is still rendering. */
  readonly onProgress?: (progress: RenderProgress) => void;
  readonly signal?: AbortSignal;
}

/** Anything that turns a photo into a video. */
export interface Renderer {
  /** Renders one video, or throws a {@link ComfyError}. */
  render(request: RenderRequest): Promise<RenderResult>;
  /**
   * The video of a job submitted before a restart: waits while ComfyUI
   * still has it queued; `"lost"` when ComfyUI no longer knows it.
   */
  recover(request: RecoverRequest): Promise<RenderResult | "lost">;
  /**
   * Best effort: removes the job from ComfyUI's queue or interrupts it.
   * `promptId` (core backend) names it directly instead of by input file.
   */
  cancel(clientId: string, promptId?: string): Promise<void>;
  /**
   * ComfyUI-Connect only: asks the server which inputs its workflow takes
   * (at start and on every health check).
   */
  probe?(signal?: AbortSignal): Promise<WorkflowSupport>;
}

/** The input file name the old bot used; the history fallback looks for it. */
export function inputFileName(clientId: string): string {
  return `input_${clientId}.jpg`;
}

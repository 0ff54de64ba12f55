/**
 * One prompt the core client waits for: its progress from websocket
 * events, and a wake-up for the wait loop when something happened that
 * `/history` or `/queue` should be asked about.
 *
 * @module
 */

import type { Clock } from "../../clock.ts";
import { ProgressTracker } from "./progress.ts";
import type { RenderProgress } from "../types.ts";
import type { WsMessage } from "./ws.ts";

/** A prompt being waited for. */
export class PromptWatch {
  readonly tracker: ProgressTracker;
  readonly #onProgress: ((p: RenderProgress) => void) | undefined;
  #last = "";
  #dirty = false;
  #wakeNow: (() => void) | undefined;

  constructor(
    nodes: readonly string[],
    samplers: readonly string[],
    onProgress: ((p: RenderProgress) => void) | undefined,
  ) {
    this.tracker = new ProgressTracker(nodes, samplers);
    this.#onProgress = onProgress;
  }

  /** Ends the current wait early (or the next one, if none is running). */
  wake(): void {
    this.#dirty = true;
    this.#wakeNow?.();
  }

  /**
   * Sleeps `ms` unless woken; rethrows only the caller's abort reason.
   */
  async sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
    if (this.#dirty) {
      this.#dirty = false;
      return;
    }
    const woken = new AbortController();
    this.#wakeNow = () => woken.abort();
    try {
      await clock.sleep(
        ms,
        signal ? AbortSignal.any([signal, woken.signal]) : woken.signal,
      );
    } catch (error) {
      if (signal?.aborted) throw signal.reason ?? error;
    } finally {
      this.#wakeNow = undefined;
      this.#dirty = false;
    }
  }

  /** Calls `onProgress` when something visible changed. */
  emit(): void {
    if (this.#onProgress === undefined) return;
    const progress = this.tracker.progress;
    const key = JSON.stringify(progress);
    if (key === this.#last) return;
    this.#last = key;
    try {
      this.#onProgress(progress);
    } catch {
      // A broken progress display must never break the render.
    }
  }

  /** Applies one event addressed to this prompt. */
  apply(message: WsMessage): void {
    const { type, data } = message;
    const t = this.tracker;
    switch (type) {
      case "execution_start":
        t.started();
        break;
      case "execution_cached":
        t.cached(Array.isArray(data.nodes) ? data.nodes.map(String) : []);
        break;
      case "executing": {
        const node = data.node;
        t.executing(typeof node === "string" ? node : null);
        if (node === null) this.wake();
        break;
      }
      case "progress":
        t.step(String(data.node), Number(data.value), Number(data.max));
        break;
      case "execution_success":
        t.finished();
        this.wake();
        break;
      case "execution_error":
      case "execution_interrupted":
        this.wake();
        break;
    }
    this.emit();
  }
}

/**
 * Routes one websocket message: prompt events to their watch, queue
 * changes (`status`) to every watch still waiting to run.
 */
export function routeMessage(
  watches: ReadonlyMap<string, PromptWatch>,
  message: WsMessage,
): void {
  if (message.type === "status") {
    for (const watch of watches.values()) {
      if (!watch.tracker.progress.running) watch.wake();
    }
    return;
  }
  const id = message.data.prompt_id;
  if (typeof id === "string") watches.get(id)?.apply(message);
}

/**
 * Overall progress of one prompt from ComfyUI's websocket events. Video
 * workflows spend 80–95 % of their time in the sampler(s), so the samplers
 * share {@link SAMPLER_WEIGHT} of the bar (equally: Wan 2.2 14B's two
 * samplers get half each) and every other node shares the rest.
 *
 * @module
 */

import type { RenderProgress } from "../types.ts";

/** The share of the bar the sampler nodes carry together. */
export const SAMPLER_WEIGHT = 0.9;

/** Follows one prompt's events; `fraction` never decreases. */
export class ProgressTracker {
  readonly #samplers: readonly string[];
  readonly #others: Set<string>;
  readonly #samplerDone = new Map<string, number>();
  readonly #othersDone = new Set<string>();
  #current: string | undefined;
  #fraction = 0;
  #running = false;
  #queueAhead: number | undefined;

  /** `nodes`: every node id of the graph; `samplers`: the heavy ones. */
  constructor(nodes: readonly string[], samplers: readonly string[]) {
    const present = samplers.filter((id) => nodes.includes(id));
    this.#samplers = present;
    this.#others = new Set(nodes.filter((id) => !present.includes(id)));
  }

  /** The current state for `onProgress`. */
  get progress(): RenderProgress {
    return this.#running || this.#queueAhead === undefined
      ? { fraction: this.#fraction, running: this.#running }
      : {
        fraction: this.#fraction,
        running: false,
        queueAhead: this.#queueAhead,
      };
  }

  /** Prompts ahead in ComfyUI's queue (before execution starts). */
  queued(ahead: number): void {
    if (!this.#running) this.#queueAhead = Math.max(0, ahead);
  }

  /** `execution_start`. */
  started(): void {
    this.#running = true;
    this.#queueAhead = undefined;
  }

  /** `execution_cached`: these nodes will not run, count them as done. */
  cached(nodes: readonly string[]): void {
    this.started();
    for (const id of nodes) this.#complete(id);
    this.#update();
  }

  /** `executing {node}`: the previous node finished; `null` = all done. */
  executing(node: string | null): void {
    this.started();
    if (this.#current !== undefined) this.#complete(this.#current);
    this.#current = node ?? undefined;
    if (node === null) {
      this.#fraction = 1;
      return;
    }
    this.#update();
  }

  /** `progress {value, max, node}`: steps of a sampler (or tiles of others). */
  step(node: string, value: number, max: number): void {
    this.started();
    if (!this.#samplers.includes(node) || !(max > 0)) return;
    const part = Math.min(1, Math.max(0, value / max));
    this.#samplerDone.set(
      node,
      Math.max(this.#samplerDone.get(node) ?? 0, part),
    );
    this.#update();
  }

  /** `execution_success` (or history says done). */
  finished(): void {
    this.started();
    this.#fraction = 1;
  }

  #complete(id: string): void {
    if (this.#samplers.includes(id)) this.#samplerDone.set(id, 1);
    else if (this.#others.has(id)) this.#othersDone.add(id);
  }

  #update(): void {
    const samplers = this.#samplers.length;
    const others = this.#others.size;
    const samplerShare = samplers === 0 ? 0 : others === 0 ? 1 : SAMPLER_WEIGHT;
    let value = 0;
    if (samplers > 0) {
      let sum = 0;
      for (const id of this.#samplers) sum += this.#samplerDone.get(id) ?? 0;
      value += samplerShare * sum / samplers;
    }
    if (others > 0) {
      value += (1 - samplerShare) * this.#othersDone.size / others;
    }
    // Only `executing null` / success reach 1: a render is never shown done
    // before ComfyUI says so.
    this.#fraction = Math.max(this.#fraction, Math.min(0.99, value));
  }
}

/**
 * In-memory state of the fake ComfyUI: prompt history, the output/input
 * "directories" and the single-worker render queue. Wire shapes follow
 * /work/shared/comfyui-contract.md §1 (execution.py PromptQueue).
 *
 * @module
 */

/** One node of an API-format ("Save (API)") prompt graph. */
export interface GraphNode {
  "class_type": string;
  inputs: Record<string, unknown>;
  "_meta"?: { title: string };
}

/** An API-format prompt graph: node id → node. */
export type Graph = Record<string, GraphNode>;

/** `[number, prompt_id, prompt, extra_data, outputs_to_execute]`, as in /queue and history. */
export type QueueItem = [
  number,
  string,
  Graph,
  Record<string, unknown>,
  string[],
];

/** A history status message such as `["execution_start", {...}]`. */
export type StatusMessage = [string, Record<string, unknown>];

/** One `/history` entry. */
export interface HistoryEntry {
  prompt: QueueItem;
  outputs: Record<string, Record<string, unknown>>;
  status: {
    "status_str": "success" | "error";
    completed: boolean;
    messages: StatusMessage[];
  };
  meta: Record<string, unknown>;
}

/** ComfyUI folder types served by `/view`. */
export type FileType = "output" | "input" | "temp";

/** Where a file lives, as in `/view?filename=&subfolder=&type=`. */
export interface FileRef {
  filename: string;
  subfolder: string;
  type: FileType;
}

/** Prompt history in insertion order with FIFO eviction at `cap` entries. */
export class HistoryStore {
  readonly #entries = new Map<string, HistoryEntry>();
  readonly #cap: number;

  /** Creates a store that keeps at most `cap` entries. */
  constructor(cap: number) {
    this.#cap = Math.max(1, cap);
  }

  /** Number of entries. */
  get size(): number {
    return this.#entries.size;
  }

  /** Adds (or overwrites in place, like a Python dict) and evicts the oldest. */
  put(promptId: string, entry: HistoryEntry): void {
    this.#entries.set(promptId, entry);
    while (this.#entries.size > this.#cap) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.#entries.delete(oldest.value);
    }
  }

  /** The entry for `promptId`, if any. */
  get(promptId: string): HistoryEntry | undefined {
    return this.#entries.get(promptId);
  }

  /** `get_history(max_items, offset)`: without offset, the last `maxItems`. */
  list(maxItems?: number, offset?: number): Record<string, HistoryEntry> {
    let start = offset ?? -1;
    if (start < 0 && maxItems !== undefined) {
      start = this.#entries.size - maxItems;
    }
    const out: Record<string, HistoryEntry> = {};
    let i = 0;
    let count = 0;
    for (const [id, entry] of this.#entries) {
      if (i >= start) {
        out[id] = entry;
        count++;
        if (maxItems !== undefined && maxItems > 0 && count >= maxItems) break;
      }
      i++;
    }
    return out;
  }

  /** Removes the given prompt ids. */
  delete(promptIds: readonly string[]): void {
    for (const id of promptIds) this.#entries.delete(id);
  }

  /** Removes everything. */
  clear(): void {
    this.#entries.clear();
  }
}

/** Files on the fake server's disk; they survive `restart()` like real files. */
export class FileStore {
  readonly #files = new Map<string, Uint8Array<ArrayBuffer>>();
  readonly #counters = new Map<string, number>();
  readonly #inputDir: string | undefined;

  /**
   * `inputDir`: a real folder that also holds input files, as ComfyUI's
   * own input folder does for a plugin writing to it (the conformance
   * test's ComfyUI-Connect).
   */
  constructor(inputDir?: string) {
    this.#inputDir = inputDir;
  }

  static #key(ref: FileRef): string {
    return `${ref.type}\0${ref.subfolder}\0${ref.filename}`;
  }

  /** Writes (or overwrites) a file. */
  put(ref: FileRef, bytes: Uint8Array<ArrayBuffer>): void {
    this.#files.set(FileStore.#key(ref), bytes);
  }

  /** Reads a file. */
  get(ref: FileRef): Uint8Array<ArrayBuffer> | undefined {
    const stored = this.#files.get(FileStore.#key(ref));
    if (stored !== undefined || ref.type !== "input") return stored;
    if (this.#inputDir === undefined || ref.filename.includes("/")) return;
    const sub = ref.subfolder === "" ? "" : `${ref.subfolder}/`;
    try {
      return Deno.readFileSync(`${this.#inputDir}/${sub}${ref.filename}`);
    } catch {
      return undefined;
    }
  }

  /** Deletes a file (e.g. to simulate a cleaned output dir); true if it existed. */
  delete(ref: FileRef): boolean {
    return this.#files.delete(FileStore.#key(ref));
  }

  /** Next 1-based file counter for a filename prefix (ComfyUI_00001_, ...). */
  nextCounter(prefix: string): number {
    const next = (this.#counters.get(prefix) ?? 0) + 1;
    this.#counters.set(prefix, next);
    return next;
  }
}

/** A prompt waiting in or running on the render queue. */
export interface RenderJob {
  item: QueueItem;
  renderMs: number;
  /** Called when the job starts running (after the previous one ended). */
  start?(): void;
  /** Called when rendering ends, before `settle("done")`: write history here. */
  finish(): void;
  /** Called instead of `finish` when interrupted: write the error entry. */
  interrupt(): void;
  /** Called exactly once: "done" after `finish`, "dropped" on restart/close. */
  settle(outcome: "done" | "dropped"): void;
}

/** ComfyUI's single worker: one prompt runs at a time, the rest wait (FIFO). */
export class RenderQueue {
  #pending: RenderJob[] = [];
  #running: RenderJob | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** Items for `/queue` `queue_running`. */
  get running(): QueueItem[] {
    return this.#running ? [this.#running.item] : [];
  }

  /** The running job's prompt id, if any. */
  get runningId(): string | undefined {
    return this.#running?.item[1];
  }

  /** Items for `/queue` `queue_pending`. */
  get pending(): QueueItem[] {
    return this.#pending.map((job) => job.item);
  }

  /** Running plus pending, as `exec_info.queue_remaining`. */
  get remaining(): number {
    return this.#pending.length + (this.#running ? 1 : 0);
  }

  /** Queues a job; it starts as soon as the worker is free. */
  enqueue(job: RenderJob): void {
    this.#pending.push(job);
    this.#pump();
  }

  /** Forgets every job (restart/close): timers cleared, jobs settled "dropped". */
  dropAll(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const jobs = this.#running ? [this.#running, ...this.#pending] : [
      ...this.#pending,
    ];
    this.#running = undefined;
    this.#pending = [];
    for (const job of jobs) job.settle("dropped");
  }

  /** `POST /queue {delete}`: drops pending prompts (never running ones). */
  remove(promptIds: readonly string[]): void {
    const drop = this.#pending.filter((job) => promptIds.includes(job.item[1]));
    this.#pending = this.#pending.filter((job) => !drop.includes(job));
    for (const job of drop) job.settle("dropped");
  }

  /** `POST /interrupt`: stops the running prompt (only `promptId`, if given). */
  interrupt(promptId?: string): void {
    const job = this.#running;
    if (job === undefined) return;
    if (promptId !== undefined && job.item[1] !== promptId) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#running = undefined;
    job.interrupt();
    job.settle("done");
    this.#pump();
  }

  #pump(): void {
    if (this.#running) return;
    const job = this.#pending.shift();
    if (!job) return;
    this.#running = job;
    job.start?.();
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#running = undefined;
      job.finish();
      job.settle("done");
      this.#pump();
    }, job.renderMs);
  }
}

import type { Clock } from "../../clock.ts";
import { describeError, type Logger } from "../../log.ts";
import { redact, secretsOf } from "../../secrets.ts";
import type {
  RecoverRequest,
  Renderer,
  RenderRequest,
  RenderResult,
} from "../types.ts";
import { ComfyUnreachableError } from "../errors.ts";
import { MAX_JSON_BYTES, parseJson, readText } from "../http.ts";
import type { ServerSpec } from "./servers.ts";
import { supportChange, type WorkflowSupport } from "../workflow_inputs.ts";

/** A configured server and the client that talks to it. */
export interface PoolServer {
  readonly spec: ServerSpec;
  readonly renderer: Renderer;
}

/** Where each job was sent (the jobs table), so a restart asks the same server. */
export interface Assignments {
  get(jobId: string): string | undefined;
  set(jobId: string, server: string): void;
}

/** Options of {@link RenderPool}. */
export interface RenderPoolOptions {
  readonly servers: readonly PoolServer[];
  readonly clock: Clock;
  readonly log: Logger;
  readonly assignments: Assignments;
  /** How often a job whose server died is sent to another one. */
  readonly failovers: number;
  /** Seconds between health checks of every server. */
  readonly healthIntervalMs: number;
  readonly fetch?: typeof fetch;
  /** Told when a server goes down or comes back (admin alerts). */
  readonly onStateChange?: (server: string, up: boolean) => void;
}

/** What `/backends` shows of a server. */
export interface ServerStatus {
  readonly name: string;
  readonly kind: string;
  readonly up: boolean;
  readonly active: number;
  readonly concurrency: number;
  /** ComfyUI's own queue (running + pending) at the last check. */
  readonly queue: number | undefined;
  readonly done: number;
  readonly failures: number;
  readonly meanSeconds: number | undefined;
  readonly lastError: string | undefined;
  /** False while an admin has taken the server out of rotation. */
  readonly enabled: boolean;
  /** ComfyUI-Connect: what its workflow takes, as last asked. */
  readonly workflow?: WorkflowSupport | undefined;
}

interface ServerState {
  readonly server: PoolServer;
  up: boolean;
  enabled: boolean;
  active: number;
  queue: number | undefined;
  done: number;
  failures: number;
  seconds: number[];
  lastError: string | undefined;
  workflow: WorkflowSupport | undefined;
}

const HEALTH_TIMEOUT_MS = 3000;

/**
 * Several render servers behind one {@link Renderer}: each job goes to the
 * healthy server with the shortest predicted wait; a server that stops
 * answering is taken out (and put back when it answers again), and a job
 * whose server died mid-render is sent to another one.
 */
export class RenderPool implements Renderer {
  readonly #o: RenderPoolOptions;
  readonly #states: ServerState[];
  readonly #wakers = new Set<() => void>();
  readonly #stop = new AbortController();
  #loop: Promise<void> | undefined;

  constructor(options: RenderPoolOptions) {
    this.#o = options;
    this.#states = options.servers.map((server) => ({
      server,
      up: true,
      enabled: true,
      active: 0,
      queue: undefined,
      done: 0,
      failures: 0,
      seconds: [],
      lastError: undefined,
      workflow: undefined,
    }));
  }

  /** Every server's state, for `/backends` and `/healthz`. */
  status(): ServerStatus[] {
    return this.#states.map((s) => ({
      name: s.server.spec.name,
      kind: s.server.spec.kind,
      up: s.up,
      active: s.active,
      concurrency: s.server.spec.concurrency,
      queue: s.queue,
      done: s.done,
      failures: s.failures,
      meanSeconds: s.seconds.length > 0
        ? s.seconds.reduce((a, b) => a + b, 0) / s.seconds.length
        : undefined,
      lastError: s.lastError,
      enabled: s.enabled,
      workflow: s.workflow,
    }));
  }

  /**
   * Takes a server out of rotation (`on` false: it gets no new job, those
   * it runs finish) or puts it back. False for an unknown name.
   */
  setEnabled(name: string, on: boolean): boolean {
    const state = this.#states.find((s) => s.server.spec.name === name);
    if (state === undefined) return false;
    if (state.enabled !== on) {
      state.enabled = on;
      this.#o.log.info(
        on ? "render server put back" : "render server taken out",
        { server: name },
      );
      if (on) this.#wakeAll();
    }
    return true;
  }

  /** Jobs all servers together run at once. */
  get capacity(): number {
    return this.#states.reduce((n, s) => n + s.server.spec.concurrency, 0);
  }

  /** Starts the periodic health checks. */
  start(): void {
    this.#loop ??= this.#healthLoop();
  }

  /** Stops the health checks. */
  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#loop;
  }

  /** Renders on the best server; fails over when a server dies mid-render. */
  async render(request: RenderRequest): Promise<RenderResult> {
    const tried = new Set<string>();
    for (let attempt = 0;; attempt++) {
      const state = await this.#acquire(request.signal, tried);
      const name = state.server.spec.name;
      this.#o.assignments.set(request.clientId, name);
      const started = this.#o.clock.now();
      try {
        const result = await state.server.renderer.render(request);
        this.#succeeded(state, (this.#o.clock.now() - started) / 1000);
        return result;
      } catch (error) {
        const died = error instanceof ComfyUnreachableError;
        this.#failed(state, error, died);
        if (!died || attempt >= this.#o.failovers || request.signal?.aborted) {
          throw error;
        }
        tried.add(name);
        this.#o.log.warn("server died mid-render; moving the job", {
          job: request.clientId,
          from: name,
        });
      } finally {
        this.#release(state);
      }
    }
  }

  /** Asks the server the job was sent to; a dead one has lost it. */
  async recover(request: RecoverRequest): Promise<RenderResult | "lost"> {
    const state = this.#assigned(request.clientId);
    if (state === undefined || !state.up) return "lost";
    return await state.server.renderer.recover(request);
  }

  /** Cancels on the server the job was sent to. */
  async cancel(clientId: string, promptId?: string): Promise<void> {
    await this.#assigned(clientId)?.server.renderer.cancel(clientId, promptId);
  }

  /**
   * Asks every ComfyUI-Connect server what its workflow takes (at start:
   * a workflow without some inputs is one WARN line naming them).
   */
  async probeAll(signal?: AbortSignal): Promise<void> {
    await Promise.all(this.#states.map((s) => this.#probe(s, signal)));
  }

  /** Checks every server now (also what the periodic loop does). */
  async checkNow(): Promise<void> {
    await Promise.all(this.#states.map((s) => this.#check(s)));
  }

  #assigned(jobId: string): ServerState | undefined {
    const name = this.#o.assignments.get(jobId);
    return this.#states.find((s) => s.server.spec.name === name);
  }

  // The healthy server with a free slot and the shortest predicted wait;
  // waits for one to free up (or to be put back in rotation), fails at
  // once when every server is down.
  async #acquire(
    signal: AbortSignal | undefined,
    exclude: ReadonlySet<string>,
  ): Promise<ServerState> {
    for (let round = 0; round < 1_000_000; round++) {
      const live = this.#states.filter((s) =>
        s.up && !exclude.has(s.server.spec.name)
      );
      if (live.length === 0) {
        throw new ComfyUnreachableError(
          "every render server",
          new Error("no render server is up"),
        );
      }
      // A server taken out of rotation gets no new job; jobs wait for it
      // to be put back rather than fail while it is healthy.
      const free = live.filter((s) =>
        s.enabled && s.active < s.server.spec.concurrency
      );
      const best = free.sort((a, b) => this.#wait(a) - this.#wait(b))[0];
      if (best !== undefined) {
        best.active++;
        return best;
      }
      await this.#nextChange(signal);
    }
    throw new ComfyUnreachableError("every render server", new Error("busy"));
  }

  // Predicted seconds until a new job would finish on this server.
  #wait(state: ServerState): number {
    const mean = state.seconds.length > 0
      ? state.seconds.reduce((x, y) => x + y, 0) / state.seconds.length
      : 120;
    const ahead = Math.max(state.active, state.queue ?? 0);
    return ((ahead + 1) * mean) / state.server.spec.concurrency;
  }

  #nextChange(signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      const wake = () => {
        this.#wakers.delete(wake);
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      const onAbort = () => {
        this.#wakers.delete(wake);
        reject(signal?.reason);
      };
      if (signal?.aborted) return reject(signal.reason);
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#wakers.add(wake);
    });
  }

  #wakeAll(): void {
    for (const wake of [...this.#wakers]) wake();
  }

  #release(state: ServerState): void {
    state.active = Math.max(0, state.active - 1);
    this.#wakeAll();
  }

  #succeeded(state: ServerState, seconds: number): void {
    state.done++;
    state.seconds.push(seconds);
    if (state.seconds.length > 20) state.seconds.shift();
  }

  #failed(state: ServerState, error: unknown, died: boolean): void {
    state.failures++;
    state.lastError = errorText(state, error);
    if (died) this.#setUp(state, false);
  }

  #setUp(state: ServerState, up: boolean): void {
    if (state.up === up) return;
    state.up = up;
    const name = state.server.spec.name;
    this.#o.log[up ? "info" : "warn"](
      up ? "render server is back" : "render server is down",
      { server: name, error: up ? undefined : state.lastError },
    );
    this.#o.onStateChange?.(name, up);
    this.#wakeAll();
  }

  async #check(state: ServerState): Promise<void> {
    const spec = state.server.spec;
    if (spec.kind === "preview") return;
    try {
      const stats = await this.#get(spec, "/system_stats");
      await stats.body?.cancel();
      const queue = await this.#get(spec, "/queue");
      const text = await readText(queue, "/queue", undefined, MAX_JSON_BYTES);
      const body = parseJson(text, "/queue") as Record<string, unknown>;
      const length = (key: string) =>
        Array.isArray(body?.[key]) ? (body[key] as unknown[]).length : 0;
      state.queue = length("queue_running") + length("queue_pending");
      this.#setUp(state, true);
      await this.#probe(state);
    } catch (error) {
      state.lastError = errorText(state, error);
      this.#setUp(state, false);
    }
  }

  // Logs a change of what the workflow lacks (the first probe included).
  async #probe(state: ServerState, signal?: AbortSignal): Promise<void> {
    const renderer = state.server.renderer;
    if (renderer.probe === undefined) return;
    const stop = this.#stop.signal;
    const support = await renderer.probe(
      signal ? AbortSignal.any([signal, stop]) : stop,
    );
    const change = supportChange(state.workflow, support);
    state.workflow = support;
    if (change === undefined) return;
    this.#o.log[change.level](change.message, {
      server: state.server.spec.name,
      workflow: support.workflow,
      missing: change.missing,
    });
  }

  async #get(spec: ServerSpec, path: string): Promise<Response> {
    const url = new URL(spec.url + path);
    if (spec.token !== undefined) url.searchParams.set("token", spec.token);
    const response = await (this.#o.fetch ?? fetch)(url, {
      headers: spec.headers,
      signal: AbortSignal.any([
        AbortSignal.timeout(HEALTH_TIMEOUT_MS),
        this.#stop.signal,
      ]),
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`${path} answered HTTP ${response.status}`);
    }
    return response;
  }

  async #healthLoop(): Promise<void> {
    // Bounded by stop(): one round per interval for as long as the bot runs.
    for (let round = 0; round < Number.MAX_SAFE_INTEGER; round++) {
      try {
        await this.#o.clock.sleep(this.#o.healthIntervalMs, this.#stop.signal);
      } catch {
        return;
      }
      await this.checkNow();
    }
  }
}

// Shown in /backends and the dashboard with its causes (why a fetch
// failed is in the cause), whose URL carries the server's `?token=` or
// `user:password@`: masked here, where the server's secrets are known.
function errorText(state: ServerState, error: unknown): string {
  return redact(
    describeError(error),
    secretsOf({ comfyuiServers: [state.server.spec] }),
  );
}

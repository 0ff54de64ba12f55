/**
 * A fake ComfyUI server with the ComfyUI-Connect plugin, on 127.0.0.1 and a
 * free port, for tests. It answers the way the real servers do (see
 * /work/shared/comfyui-contract.md §1, §3 and §6): every route also lives
 * under `/api`, Connect errors are aiohttp's 500 text/plain page, runtime
 * failures are still "success", and finished jobs land in `/history`.
 *
 * ```ts
 * await using comfy = await FakeComfy.start({ mode: "history" });
 * const res = await fetch(`${comfy.url}/api/connect/workflows/api-video`, {...});
 * ```
 *
 * @module
 */

import { SAMPLE_MP4 } from "../../fixtures/media.ts";
import {
  type ConnectMode,
  type ConnectRequest,
  OLD_BOT_WORKFLOW,
  pluginErrorPage,
  savedFromTags,
  workflowListing,
} from "./connect.ts";
import { PluginError } from "./connect_workflow.ts";
import {
  connectionDrop,
  coreRoutes,
  dispatch,
  json,
  normalizePath,
  plainError,
  RecordLog,
  type Route,
} from "./core.ts";
import { FileStore, type Graph, HistoryStore, RenderQueue } from "./history.ts";
import { type ConnectRunContext, runWorkflow } from "./connect_run.ts";

import { CoreApi, type PromptRecord, type UploadRecord } from "./prompt.ts";
import type { CallRecord, FakeComfyOptions, ViewRequest } from "./types.ts";
import { WsHub } from "./ws.ts";

export type { ConnectMode, ConnectRequest } from "./connect.ts";
export type { PromptRecord, UploadRecord } from "./prompt.ts";
export type { CallRecord, FakeComfyOptions, ViewRequest } from "./types.ts";
export type { WsMode } from "./ws.ts";
export type { HistoryEntry, QueueItem } from "./history.ts";

interface Failure {
  status: number;
  remaining: number;
}

/** Fake ComfyUI + ComfyUI-Connect; dispose with `await using` or `close()`. */
export class FakeComfy implements AsyncDisposable {
  /** Base URL, `"http://127.0.0.1:<port>"`, no trailing slash. */
  readonly url: string;
  /** Mode for the next Connect requests (each request keeps its own). */
  mode: ConnectMode;
  /** Render time for the next Connect requests. */
  renderMs: number;
  /** Every Connect run request that reached the plugin, in arrival order. */
  readonly requests: ConnectRequest[];
  /** Every `GET /view`, including rejected ones. */
  readonly viewRequests: ViewRequest[] = [];
  /** Count of `GET /history` and `GET /history/<id>`. */
  historyRequests = 0;
  /** While true, `/history` requests hang until restart()/close(). */
  stallHistory = false;
  /** Files the `#output` node saves per direct job (a list when > 1). */
  outputFiles: number;
  /** `POST /interrupt` calls, with the prompt id each named (if any). */
  readonly interrupts: (string | undefined)[] = [];
  /** Every HTTP request with the status it got (hanging ones once answered). */
  readonly calls: CallRecord[] = [];
  /** Every `POST /prompt` (core API), rejected ones too. */
  readonly prompts: PromptRecord[];
  /** Every `POST /upload/image` that saved a file. */
  readonly uploads: UploadRecord[] = [];
  /** The websocket: open sockets, sent events, `mode`. */
  readonly ws: WsHub;
  /** Exceptions thrown inside the fake itself (a bug here; answered 500). */
  readonly errors: unknown[] = [];
  /** Prompt history (readable/editable by tests). */
  readonly history: HistoryStore;
  /** The server's output/input/temp files; they survive `restart()`. */
  readonly files: FileStore;

  #server: Deno.HttpServer<Deno.NetAddr> | undefined;
  readonly #port: number;
  readonly #auth: FakeComfyOptions["auth"];
  readonly #core: CoreApi;
  readonly #promptLog = new RecordLog<PromptRecord>();
  readonly #queue = new RenderQueue();
  readonly #routes: Route[];
  readonly #video: Uint8Array<ArrayBuffer>;
  readonly #videoFor: ((image: Uint8Array) => Uint8Array) | undefined;
  readonly #workflows: Map<string, Graph>;
  readonly #debug: boolean;
  readonly #failures = new Map<string, Failure>();
  readonly #log = new RecordLog<ConnectRequest>();
  readonly #drops = new Set<() => void>();
  #pluginClientId = crypto.randomUUID();
  #promptNumber = 0;
  #closed: Promise<void> | undefined;

  private constructor(options: FakeComfyOptions) {
    this.requests = this.#log.items;
    this.mode = options.mode ?? "direct";
    this.renderMs = options.renderMs ?? 30;
    this.#video = (options.video ?? SAMPLE_MP4).slice();
    this.#videoFor = options.videoFor;
    this.files = new FileStore(options.inputDir);
    this.outputFiles = options.outputFiles ?? 1;
    this.#debug = options.debug ?? false;
    const saved = options.tags ? savedFromTags(options.tags) : OLD_BOT_WORKFLOW;
    this.#workflows = new Map(
      options.saved !== undefined
        ? Object.entries(options.saved).map(([n, g]) => [n, structuredClone(g)])
        : (options.workflows ?? ["api-video"]).map((n) => [n, saved]),
    );
    this.history = new HistoryStore(options.historyCap ?? 10_000);
    this.prompts = this.#promptLog.items;
    this.#auth = options.auth;
    this.ws = new WsHub(
      () => this.#queue.remaining,
      (clientId) => this.#core.runningEvent(clientId),
    );
    this.ws.mode = options.wsMode ?? "ok";
    this.#core = this.#coreApi(options);
    this.#routes = [
      ...this.#core.routes(),
      {
        method: "GET",
        pattern: /^\/ws$/,
        handler: (req, _params, url) => this.ws.handle(req, url),
      },
      ...coreRoutes({
        history: this.history,
        files: this.files,
        queue: this.#queue,
        onHistoryRequest: () => void this.historyRequests++,
        onInterrupt: (id) => void this.interrupts.push(id),
        onViewRequest: (request) => void this.viewRequests.push(request),
      }),
      {
        method: "GET",
        pattern: /^\/connect\/workflows\/([^/]+)$/,
        handler: (_req, [name = ""]) => {
          if (options.noListing) return plainError(405);
          const graph = this.#workflows.get(name);
          return graph === undefined
            ? pluginErrorPage(
              new PluginError("KeyError", `'${name}'`),
              this.#debug,
            )
            : json(workflowListing(name, graph));
        },
      },
      {
        method: "POST",
        pattern: /^\/connect\/workflows\/([^/]+)$/,
        handler: (req, [name = ""]) =>
          runWorkflow(this.#runContext(), req, name),
      },
    ];
    this.#server = this.#listen(0);
    this.#port = this.#server.addr.port;
    this.url = `http://127.0.0.1:${this.#port}`;
  }

  #listen(port: number): Deno.HttpServer<Deno.NetAddr> {
    return Deno.serve({
      hostname: "127.0.0.1",
      port,
      onListen() {},
      // Silent: connectionDrop() bodies end up here (bugs go to `errors`).
      onError: () => plainError(500),
    }, (req) => this.#handle(req));
  }

  #coreApi(options: FakeComfyOptions): CoreApi {
    return new CoreApi({
      history: this.history,
      files: this.files,
      queue: this.#queue,
      hub: this.ws,
      mode: () => this.mode,
      renderMs: () => this.renderMs,
      video: (image) =>
        image && this.#videoFor ? this.#videoFor(image).slice() : this.#video,
      nextNumber: () => this.#promptNumber++,
      template: options.template,
      models: options.models,
      onPrompt: (r) =>
        this.#promptLog.push({ id: this.prompts.length + 1, ...r }),
      onUpload: (r) => void this.uploads.push(r),
    });
  }

  /** Starts a fake on a free port of 127.0.0.1. */
  static start(options: FakeComfyOptions = {}): Promise<FakeComfy> {
    return Promise.resolve(new FakeComfy(options));
  }

  /**
   * Resolves with the first Connect request whose `id` is greater than
   * `after` (default 0: the first one), already recorded or still to come.
   * Rejects after `timeoutMs` (default 5000) or on close.
   */
  waitForRequest(
    opts: { after?: number; timeoutMs?: number } = {},
  ): Promise<ConnectRequest> {
    return this.#log.waitFor(opts.after ?? 0, opts.timeoutMs ?? 5000);
  }

  /**
   * Answers the next `times` (default 1) requests to `path` with `status`
   * before any other handling. `path` is compared without the `/api` prefix
   * and also covers sub-paths: "/history" fails "/api/history/<id>" too.
   */
  failNext(path: string, status: number, times = 1): void {
    this.#failures.set(normalizePath(path), { status, remaining: times });
  }

  /** Resolves with the first `POST /prompt` record with `id > after`. */
  waitForPrompt(
    opts: { after?: number; timeoutMs?: number } = {},
  ): Promise<PromptRecord> {
    return this.#promptLog.waitFor(opts.after ?? 0, opts.timeoutMs ?? 5000);
  }

  /**
   * A hard crash: like {@linkcode FakeComfy.restart}, and the port refuses
   * connections until {@linkcode FakeComfy.revive}.
   */
  async kill(): Promise<void> {
    this.restart();
    await this.ws.closeAll();
    const server = this.#server;
    this.#server = undefined;
    await server?.shutdown();
  }

  /** Listens on the same port again after {@linkcode FakeComfy.kill}. */
  revive(): void {
    this.#server ??= this.#listen(this.#port);
  }

  /**
   * Simulates a ComfyUI restart: queue and history are forgotten, jobs in
   * flight never finish, their open Connect requests are dropped, the
   * plugin gets a new client id. Files on disk and file counters stay.
   */
  restart(): void {
    this.#core.stop();
    void this.ws.closeAll();
    this.#queue.dropAll();
    this.#dropConnections();
    this.history.clear();
    this.#pluginClientId = crypto.randomUUID();
  }

  /** Drops open requests, clears timers and stops the server. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      this.#core.stop();
      this.#queue.dropAll();
      this.#dropConnections();
      this.#log.close(new Error("FakeComfy closed"));
      this.#promptLog.close(new Error("FakeComfy closed"));
      await this.ws.closeAll();
      await this.#server?.shutdown();
    })();
    return this.#closed;
  }

  /** Same as {@linkcode FakeComfy.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const failure = this.#takeFailure(normalizePath(url.pathname));
    let res: Response;
    try {
      res = this.#stalled(url)
        ? await this.#stall()
        : !this.#authorized(req, url)
        ? plainError(401)
        : failure !== undefined
        ? plainError(failure)
        : await dispatch(this.#routes, req, url);
    } catch (error) {
      this.errors.push(error);
      res = plainError(500);
    }
    this.calls.push({
      method: req.method,
      path: url.pathname + url.search,
      status: res.status,
    });
    return res;
  }

  #stalled(url: URL): boolean {
    return this.stallHistory &&
      normalizePath(url.pathname).startsWith("/history");
  }

  async #stall(): Promise<Response> {
    this.historyRequests++;
    await this.#untilDropped();
    return connectionDrop();
  }

  #authorized(req: Request, url: URL): boolean {
    const auth = this.#auth;
    if (auth === undefined) return true;
    const header = req.headers.get("authorization");
    return (auth.bearer !== undefined && header === `Bearer ${auth.bearer}`) ||
      (auth.token !== undefined &&
        url.searchParams.get("token") === auth.token);
  }

  #takeFailure(path: string): number | undefined {
    for (const [prefix, failure] of this.#failures) {
      if (path !== prefix && !path.startsWith(`${prefix}/`)) continue;
      if (--failure.remaining <= 0) this.#failures.delete(prefix);
      return failure.status;
    }
    return undefined;
  }

  #dropConnections(): void {
    for (const drop of [...this.#drops]) drop();
    this.#drops.clear();
  }

  #record(request: Omit<ConnectRequest, "id">): void {
    this.#log.push({ id: this.requests.length + 1, ...request });
  }

  // What a Connect run reads and changes of this server (./connect_run.ts).
  #runContext(): ConnectRunContext {
    return {
      mode: this.mode,
      renderMs: this.renderMs,
      outputFiles: this.outputFiles,
      workflows: this.#workflows,
      files: this.files,
      history: this.history,
      queue: this.#queue,
      debug: this.#debug,
      pluginClientId: this.#pluginClientId,
      closed: () => this.#closed !== undefined,
      nextNumber: () => this.#promptNumber++,
      video: (image) =>
        image && this.#videoFor ? this.#videoFor(image).slice() : this.#video,
      record: (request) => this.#record(request),
      untilDropped: () => this.#untilDropped(),
    };
  }

  /**
   * Parks a hanging handler until restart()/close(). Client aborts are not
   * observed: touching `request.signal` makes Deno 2.9 print a legacy-abort
   * warning, and the parked handler costs nothing until then.
   */
  #untilDropped(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return new Promise((resolve) => this.#drops.add(resolve));
  }
}

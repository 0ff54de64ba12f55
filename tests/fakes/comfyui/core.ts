/**
 * Core ComfyUI routes of the fake (server.py): /history, /view, /queue,
 * /prompt (GET), /system_stats, plus the tiny router and aiohttp-like
 * response helpers shared with the Connect routes. Later additions
 * (POST /prompt, /upload/image, /interrupt, /ws) belong here too.
 *
 * @module
 */

import type {
  FileRef,
  FileStore,
  FileType,
  HistoryStore,
  RenderQueue,
} from "./history.ts";

/** Handles one matched route; `params` are the decoded regex groups. */
export type Handler = (
  req: Request,
  params: string[],
  url: URL,
) => Response | Promise<Response>;

/** One route, matched against the path without its `/api` prefix. */
export interface Route {
  method: string;
  pattern: RegExp;
  handler: Handler;
}

/** aiohttp's body for an unhandled exception (HTTP 500, text/plain). */
export const SERVER_ERROR_TEXT =
  "500 Internal Server Error\n\nServer got itself in trouble";

const REASONS: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  408: "Request Timeout",
  413: "Request Entity Too Large",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** `web.json_response(data)`. */
export function json(data: unknown, status = 200): Response {
  return new Response(JSON.stringify(data), {
    status,
    headers: { "content-type": "application/json; charset=utf-8" },
  });
}

/** An aiohttp-style text/plain error page (`"404: Not Found"`, or the 500 page). */
export function plainError(status: number): Response {
  const text = status === 500
    ? SERVER_ERROR_TEXT
    : `${status}: ${REASONS[status] ?? "Error"}`;
  return new Response(text, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
}

/** `web.Response(status=N)`: no body, as /view and POST /history answer. */
export function empty(status: number): Response {
  return new Response(null, { status });
}

/**
 * A response whose body fails right after the headers: the client sees a
 * network error while reading, like a connection reset by a dying server.
 * Needs the server's `onError` to stay silent.
 */
export function connectionDrop(): Response {
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      controller.error(new Error("FakeComfy dropped the connection"));
    },
  });
  return new Response(body, { status: 200 });
}

/** The path as ComfyUI routes it: `/api/x` and `/x` are the same route. */
export function normalizePath(pathname: string): string {
  return pathname === "/api" || pathname.startsWith("/api/")
    ? pathname.slice(4) || "/"
    : pathname;
}

/** Dispatches to the first matching route; aiohttp-like 404/405 otherwise. */
export async function dispatch(
  routes: readonly Route[],
  req: Request,
  url: URL,
): Promise<Response> {
  const path = normalizePath(url.pathname);
  let pathMatched = false;
  for (const route of routes) {
    const match = route.pattern.exec(path);
    if (!match) continue;
    pathMatched = true;
    if (route.method !== req.method) continue;
    const params = match.slice(1).map((p) => decodeURIComponent(p ?? ""));
    return await route.handler(req, params, url);
  }
  return plainError(pathMatched ? 405 : 404);
}

/**
 * Recorded items (with 1-based ids) that tests can await: `waitFor(after)`
 * resolves with the first item whose id is greater than `after`, already
 * recorded or still to come, straight from the handler that records it.
 */
export class RecordLog<T extends { id: number }> {
  /** Everything recorded, in order. */
  readonly items: T[] = [];
  readonly #waiters = new Set<{
    after: number;
    resolve(item: T): void;
    reject(error: Error): void;
    timer: ReturnType<typeof setTimeout>;
  }>();
  #closed: Error | undefined;

  /** Records an item and wakes the waiters it satisfies. */
  push(item: T): void {
    this.items.push(item);
    for (const waiter of [...this.#waiters]) {
      if (item.id <= waiter.after) continue;
      clearTimeout(waiter.timer);
      this.#waiters.delete(waiter);
      waiter.resolve(item);
    }
  }

  /** The first item with `id > after`; rejects after `timeoutMs` or on close. */
  waitFor(after: number, timeoutMs: number): Promise<T> {
    const found = this.items.find((item) => item.id > after);
    if (found) return Promise.resolve(found);
    if (this.#closed) return Promise.reject(this.#closed);
    const promise = new Promise<T>((resolve, reject) => {
      const waiter = {
        after,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.#waiters.delete(waiter);
          reject(
            new Error(`Nothing recorded after id ${after} in ${timeoutMs} ms`),
          );
        }, timeoutMs),
      };
      this.#waiters.add(waiter);
    });
    // A waiter nobody awaits must not fail a test as an unhandled rejection.
    promise.catch(() => {});
    return promise;
  }

  /** Rejects every waiter with `error` and clears their timers. */
  close(error: Error): void {
    this.#closed = error;
    for (const waiter of this.#waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
    this.#waiters.clear();
  }
}

/** What the core routes read and report. */
export interface CoreState {
  history: HistoryStore;
  files: FileStore;
  queue: RenderQueue;
  onHistoryRequest(): void;
  /** Called after `POST /interrupt` (with the prompt id, if one was given). */
  onInterrupt?(promptId: string | undefined): void;
  onViewRequest(
    request: { filename: string; subfolder: string; type: string },
  ): void;
}

/** A realistic `/system_stats` body (RTX 4090, ComfyUI 0.3.x). */
export const SYSTEM_STATS: Record<string, unknown> = {
  system: {
    os: "posix",
    "ram_total": 67_350_843_392,
    "ram_free": 51_023_527_936,
    "comfyui_version": "0.3.66",
    "required_frontend_version": "1.28.7",
    "python_version": "3.12.3 (main, Aug 14 2025, 17:47:21) [GCC 13.3.0]",
    "pytorch_version": "2.8.0+cu128",
    "embedded_python": false,
    argv: ["main.py", "--listen", "0.0.0.0", "--port", "8188"],
  },
  devices: [{
    name: "cuda:0 NVIDIA GeForce RTX 4090 : cudaMallocAsync",
    type: "cuda",
    index: 0,
    "vram_total": 25_386_352_640,
    "vram_free": 24_022_220_800,
    "torch_vram_total": 0,
    "torch_vram_free": 0,
  }],
};

const MIME: Record<string, string> = {
  mp4: "video/mp4",
  webm: "video/webm",
  mov: "video/quicktime",
  gif: "image/gif",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  webp: "image/webp",
};

/** Resolves `subfolder` inside the type dir; undefined if it escapes (403). */
function safeSubfolder(subfolder: string): string | undefined {
  if (subfolder.startsWith("/")) return undefined;
  const parts: string[] = [];
  for (const part of subfolder.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (parts.pop() === undefined) return undefined;
    } else {
      parts.push(part);
    }
  }
  return parts.join("/");
}

function optionalInt(value: string | null): number | undefined | null {
  if (value === null) return undefined;
  return /^\s*[-+]?\d+\s*$/.test(value) ? Number(value) : null;
}

function viewHandler(state: CoreState): Handler {
  return (_req, _params, url) => {
    const q = url.searchParams;
    const requested = q.get("filename");
    const type = q.get("type") ?? "output";
    const rawSub = q.get("subfolder") ?? "";
    state.onViewRequest({ filename: requested ?? "", subfolder: rawSub, type });
    if (requested === null) return empty(404);
    if (requested === "") return empty(400);
    if (requested.startsWith("/") || requested.includes("..")) {
      return empty(400);
    }
    if (type !== "output" && type !== "input" && type !== "temp") {
      return empty(400);
    }
    const subfolder = safeSubfolder(rawSub);
    if (subfolder === undefined) return empty(403);
    const filename = requested.slice(requested.lastIndexOf("/") + 1);
    const ref: FileRef = { filename, subfolder, type: type satisfies FileType };
    const bytes = state.files.get(ref);
    if (!bytes) return empty(404);
    const ext = filename.slice(filename.lastIndexOf(".") + 1).toLowerCase();
    return new Response(bytes, {
      headers: {
        "content-type": MIME[ext] ?? "application/octet-stream",
        "content-length": String(bytes.length),
        "content-disposition": `filename="${filename}"`,
      },
    });
  };
}

async function postHistory(state: CoreState, req: Request): Promise<Response> {
  let body: unknown;
  try {
    body = await req.json();
  } catch {
    return plainError(500);
  }
  if (typeof body === "object" && body !== null) {
    const { clear, delete: ids } = body as Record<string, unknown>;
    if (clear === true) state.history.clear();
    if (Array.isArray(ids)) state.history.delete(ids.map(String));
  }
  return empty(200);
}

/** GET/POST /history, /history/{id}, /view, /queue, GET /prompt, /system_stats. */
export function coreRoutes(state: CoreState): Route[] {
  return [
    {
      method: "GET",
      pattern: /^\/history$/,
      handler: (_req, _params, url) => {
        state.onHistoryRequest();
        const maxItems = optionalInt(url.searchParams.get("max_items"));
        const offset = optionalInt(url.searchParams.get("offset"));
        if (maxItems === null || offset === null) return plainError(500);
        return json(state.history.list(maxItems, offset));
      },
    },
    {
      method: "POST",
      pattern: /^\/history$/,
      handler: (req) => postHistory(state, req),
    },
    {
      method: "GET",
      pattern: /^\/history\/([^/]+)$/,
      handler: (_req, [id = ""]) => {
        state.onHistoryRequest();
        const entry = state.history.get(id);
        return json(entry ? { [id]: entry } : {});
      },
    },
    { method: "GET", pattern: /^\/view$/, handler: viewHandler(state) },
    {
      method: "GET",
      pattern: /^\/queue$/,
      handler: () =>
        json({
          "queue_running": state.queue.running,
          "queue_pending": state.queue.pending,
        }),
    },
    {
      method: "POST",
      pattern: /^\/queue$/,
      handler: async (req) => {
        const body = await req.json().catch(() => ({}));
        if (body?.clear === true) {
          state.queue.remove(state.queue.pending.map((i) => i[1]));
        }
        if (Array.isArray(body?.delete)) {
          state.queue.remove(body.delete.map(String));
        }
        return empty(200);
      },
    },
    {
      method: "POST",
      pattern: /^\/interrupt$/,
      handler: async (req) => {
        const body = await req.json().catch(() => ({}));
        const id = typeof body?.["prompt_id"] === "string"
          ? body["prompt_id"]
          : undefined;
        state.queue.interrupt(id);
        state.onInterrupt?.(id);
        return empty(200);
      },
    },
    {
      method: "GET",
      pattern: /^\/prompt$/,
      handler: () =>
        json({ "exec_info": { "queue_remaining": state.queue.remaining } }),
    },
    {
      method: "GET",
      pattern: /^\/system_stats$/,
      handler: () => json(SYSTEM_STATS),
    },
  ];
}

/**
 * The `core` backend: plain ComfyUI, no plugin. Uploads the photo, fills
 * the workflow template, submits it under a prompt id the bot chose,
 * follows the websocket for live progress (polling `/history` and `/queue`
 * whenever the socket is down), confirms the result from `/history`, and
 * streams the video from `/view`.
 *
 * @module
 */

import type { Clock } from "../../clock.ts";
import { imageDimensions } from "../../media/mod.ts";
import {
  coreInputName,
  describePromptError,
  inputNames,
  promptIdFor,
  queuePlace,
} from "./wire.ts";
import { PromptWatch, routeMessage } from "./watch.ts";
import {
  ComfyHttpError,
  ComfyJobError,
  ComfyLostError,
  ComfyOutputError,
  ComfyTimeoutError,
} from "../errors.ts";
import { findByInput, type HistoryEntry, parseEntry } from "../history.ts";
import { ComfyHttp, readText } from "../http.ts";
import type { VideoSpool } from "../spool.ts";
import type {
  RecoverRequest,
  Renderer,
  RenderRequest,
  RenderResult,
} from "../types.ts";
import { buildPrompt, type Template } from "../workflow.ts";
import { ComfySocket, type WebSocketConstructor } from "./ws.ts";

/** Options of {@link CoreClient}. */
export interface CoreClientOptions {
  /** `http(s)://host:port`, no trailing slash needed. */
  readonly baseUrl: string;
  /** From `loadTemplate(COMFYUI_TEMPLATE, Deno.readTextFile)`. */
  readonly template: Template;
  readonly clock: Clock;
  /** Where finished videos are streamed to. */
  readonly spool: VideoSpool;
  /** Longest wait for one render (queue time included). */
  readonly timeoutMs: number;
  /** `/history` + `/queue` polling period while the websocket is down. */
  readonly pollIntervalMs: number;
  readonly fetch?: typeof fetch | undefined;
  /** Injectable for tests; Deno's `WebSocket` by default. */
  readonly WebSocket?: WebSocketConstructor | undefined;
  /** Sent with every request and the websocket handshake (proxy auth). */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** Appended as `?token=` to every URL (ComfyUI-Login, RunPod). */
  readonly token?: string | undefined;
  /** Uniform in [0, 1), for seeds; Math.random by default. */
  readonly random?: (() => number) | undefined;
}

// With the socket open, polls are only a safety net against lost events.
const SOCKET_POLL_FACTOR = 10;
const SOCKET_OPEN_WAIT_MS = 2000;

/** Renders through plain ComfyUI's HTTP API and websocket. */
export class CoreClient implements Renderer {
  readonly #options: CoreClientOptions;
  readonly #http: ComfyHttp;
  readonly #wsClientId = crypto.randomUUID().replaceAll("-", "");
  readonly #watches = new Map<string, PromptWatch>();
  #socket: ComfySocket | undefined;
  #users = 0;

  constructor(options: CoreClientOptions) {
    this.#options = options;
    this.#http = new ComfyHttp(options);
  }

  /** The websocket client id sent as `client_id` with every prompt. */
  get wsClientId(): string {
    return this.#wsClientId;
  }

  /** Renders one video, or throws a {@link ComfyError}. */
  async render(request: RenderRequest): Promise<RenderResult> {
    const { template, clock, timeoutMs } = this.#options;
    const { signal } = request;
    const deadline = clock.now() + timeoutMs;
    const wanted = request.promptId ?? await promptIdFor(request.clientId);
    const name = await this.#upload(request);
    const size = imageDimensions(request.image) ?? { width: 1, height: 1 };
    const graph = buildPrompt(template, {
      image: name,
      durationSeconds: request.durationSeconds,
      sizePx: request.sizePx,
      imageWidth: size.width,
      imageHeight: size.height,
      aspect: request.aspect,
      ...(request.prompt !== undefined ? { prompt: request.prompt } : {}),
      ...(request.prompt !== undefined && request.negative !== undefined
        ? { negative: request.negative }
        : {}),
      ...(this.#options.random ? { random: this.#options.random } : {}),
    });
    const watch = this.#watch(graph, request.onProgress);
    this.#watches.set(wanted, watch);
    await this.#acquireSocket();
    try {
      const promptId = await this.#submit(graph, wanted, signal);
      if (promptId !== wanted) {
        this.#watches.delete(wanted);
        this.#watches.set(promptId, watch);
      }
      const entry = await this.#await(promptId, [name], watch, {
        deadline,
        signal,
      });
      if (entry === "lost") throw new ComfyLostError(promptId);
      return await this.#result(entry, watch, signal);
    } finally {
      this.#watches.delete(wanted);
      await this.#releaseSocket();
    }
  }

  /** Finds a job again: `/history/<id>`, else `/queue` (then waits). */
  async recover(request: RecoverRequest): Promise<RenderResult | "lost"> {
    const { clock, timeoutMs, template } = this.#options;
    const { signal } = request;
    const promptId = request.promptId ?? await promptIdFor(request.clientId);
    const names = inputNames(request.clientId);
    const watch = this.#watch(template.graph, request.onProgress);
    const done = await this.#history(promptId, signal);
    if (done !== undefined) return await this.#result(done, watch, signal);
    const place = queuePlace(await this.#queue(signal), promptId, names);
    if (place === undefined) {
      // A server that ignored our prompt id: look for the photo's name.
      const history = await this.#http.getJson(
        "/history?max_items=256",
        signal,
      );
      for (const name of names) {
        const entry = findByInput(history, name);
        if (entry !== undefined && (entry.completed || entry.error)) {
          return await this.#result(entry, watch, signal);
        }
      }
      return "lost";
    }
    this.#watches.set(place.promptId, watch);
    await this.#acquireSocket();
    try {
      const entry = await this.#await(place.promptId, names, watch, {
        deadline: clock.now() + timeoutMs,
        signal,
      });
      return entry === "lost"
        ? "lost"
        : await this.#result(entry, watch, signal);
    } finally {
      this.#watches.delete(place.promptId);
      await this.#releaseSocket();
    }
  }

  /** Pending: `POST /queue {delete}`; running: `POST /interrupt`. */
  async cancel(clientId: string, promptId?: string): Promise<void> {
    const id = promptId ?? await promptIdFor(clientId);
    const place = queuePlace(await this.#queue(), id, inputNames(clientId));
    if (place === undefined) return;
    const [path, body] = place.running
      ? ["/interrupt", { "prompt_id": place.promptId }]
      : ["/queue", { delete: [place.promptId] }];
    const answer = await this.#http.postJson(path, body);
    if (answer.status >= 300) {
      throw new ComfyHttpError(answer.status, path, answer.text);
    }
  }

  /** Closes the websocket if a render left it open (it normally does not). */
  async close(): Promise<void> {
    const socket = this.#socket;
    this.#socket = undefined;
    await socket?.close();
  }

  #watch(
    graph: Readonly<Record<string, unknown>>,
    onProgress: RenderRequest["onProgress"],
  ): PromptWatch {
    return new PromptWatch(
      Object.keys(graph),
      this.#options.template.samplers,
      onProgress,
    );
  }

  async #upload(request: RenderRequest): Promise<string> {
    const name = coreInputName(request.clientId, request.image);
    const form = new FormData();
    form.append("image", new Blob([request.image.slice()]), name);
    form.append("overwrite", "true");
    form.append("type", "input");
    const path = "/upload/image";
    const response = await this.#http.request(path, {
      method: "POST",
      body: form,
      signal: request.signal,
    });
    const text = await readText(response, path, request.signal, 64 * 1024);
    if (!response.ok) throw new ComfyHttpError(response.status, path, text);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const { name: saved, subfolder } = (body ?? {}) as Record<string, unknown>;
    if (typeof saved !== "string" || saved === "") {
      throw new ComfyOutputError(`ComfyUI's "${path}" answer has no name`);
    }
    return typeof subfolder === "string" && subfolder !== ""
      ? `${subfolder}/${saved}`
      : saved;
  }

  async #submit(
    graph: unknown,
    promptId: string,
    signal: AbortSignal | undefined,
  ): Promise<string> {
    const answer = await this.#http.postJson("/prompt", {
      prompt: graph,
      "client_id": this.#wsClientId,
      "prompt_id": promptId,
    }, signal);
    if (answer.status === 400) {
      throw new ComfyJobError(describePromptError(answer.body), promptId);
    }
    if (answer.status >= 300) {
      throw new ComfyHttpError(answer.status, "/prompt", answer.text);
    }
    const id = (answer.body as Record<string, unknown> | undefined)
      ?.["prompt_id"];
    // Older servers ignore a client prompt id: theirs is the one to follow.
    return typeof id === "string" && id !== "" ? id : promptId;
  }

  // Waits until /history has the prompt; "lost" once neither history nor
  // queue know it.
  async #await(
    promptId: string,
    names: readonly string[],
    watch: PromptWatch,
    limits: { deadline: number; signal: AbortSignal | undefined },
  ): Promise<HistoryEntry | "lost"> {
    const { clock, pollIntervalMs } = this.#options;
    const { deadline, signal } = limits;
    while (true) {
      const entry = await this.#history(promptId, signal);
      if (entry !== undefined) return entry;
      const place = queuePlace(await this.#queue(signal), promptId, names);
      if (place === undefined) {
        // It may have moved from the queue to the history in between.
        return await this.#history(promptId, signal) ?? "lost";
      }
      if (place.running) watch.tracker.started();
      else watch.tracker.queued(place.ahead);
      watch.emit();
      if (clock.now() >= deadline) {
        throw new ComfyTimeoutError(
          `Prompt "${promptId}" not finished within ${this.#options.timeoutMs} ms`,
        );
      }
      const open = this.#socket?.open ?? false;
      const wait = open ? pollIntervalMs * SOCKET_POLL_FACTOR : pollIntervalMs;
      await watch.sleep(clock, Math.min(wait, deadline - clock.now()), signal);
    }
  }

  // The finished entry, or undefined while ComfyUI has not recorded an end.
  async #history(
    promptId: string,
    signal: AbortSignal | undefined,
  ): Promise<HistoryEntry | undefined> {
    const path = `/history/${encodeURIComponent(promptId)}`;
    const answer = await this.#http.getJson(path, signal);
    const value = (answer as Record<string, unknown> | null)?.[promptId];
    // ComfyUI writes an entry only once the prompt ended.
    return value === undefined ? undefined : parseEntry(promptId, value);
  }

  #queue(signal?: AbortSignal): Promise<unknown> {
    return this.#http.getJson("/queue", signal);
  }

  async #result(
    entry: HistoryEntry,
    watch: PromptWatch,
    signal: AbortSignal | undefined,
  ): Promise<RenderResult> {
    if (entry.error !== undefined) {
      throw new ComfyJobError(
        `The workflow failed in ComfyUI: ${entry.error}`,
        entry.promptId,
      );
    }
    if (entry.video === undefined) {
      throw new ComfyOutputError(
        `ComfyUI finished prompt "${entry.promptId}" without a video output`,
      );
    }
    watch.tracker.finished();
    watch.emit();
    return {
      file: await this.#http.download(entry.video, this.#options.spool, signal),
      via: "history",
    };
  }

  async #acquireSocket(): Promise<void> {
    this.#users++;
    if (this.#socket === undefined) {
      this.#socket = new ComfySocket({
        url: this.#http.wsUrl(this.#wsClientId),
        headers: this.#http.headers,
        clock: this.#options.clock,
        WebSocket: this.#options.WebSocket,
        onMessage: (message) => routeMessage(this.#watches, message),
        // Opened: look for a finish missed while down; closed: poll now.
        onState: () => {
          for (const watch of this.#watches.values()) watch.wake();
        },
      });
    }
    await this.#socket.start(SOCKET_OPEN_WAIT_MS);
  }

  async #releaseSocket(): Promise<void> {
    if (--this.#users > 0) return;
    await this.close();
  }
}

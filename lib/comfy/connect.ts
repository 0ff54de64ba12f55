import type { Clock } from "../clock.ts";
import type { InputRef } from "../config.ts";
import { decodeBase64, encodeBase64 } from "./base64.ts";
import {
  ComfyHttpError,
  ComfyJobError,
  ComfyOutputError,
  ComfyTimeoutError,
} from "./errors.ts";
import {
  findByInput,
  findInQueue,
  type HistoryEntry,
  type OutputFile,
} from "./history.ts";
import { parseJson, saveVideo, wrapFetchError } from "./http.ts";
import type { VideoFile, VideoSpool } from "./spool.ts";
import {
  inputFileName,
  type RecoverRequest,
  type Renderer,
  type RenderRequest,
  type RenderResult,
} from "./types.ts";

export {
  inputFileName,
  type RecoverRequest,
  type Renderer,
  type RenderRequest,
  type RenderResult,
} from "./types.ts";

/** Options of {@link ConnectClient}. */
export interface ConnectClientOptions {
  readonly baseUrl: string;
  readonly workflow: string;
  readonly timeoutMs: number;
  readonly historyIntervalMs: number;
  readonly historyAttempts: number;
  readonly durationInput?: InputRef | undefined;
  readonly sizeInput?: InputRef | undefined;
  /** Receives the motion prompt (`prompt.text`); undefined: never sent. */
  readonly promptInput?: InputRef | undefined;
  /** Receives the negative text with a motion prompt. */
  readonly negativeInput?: InputRef | undefined;
  readonly clock: Clock;
  /** Where finished videos are streamed to. */
  readonly spool: VideoSpool;
  readonly fetch?: typeof fetch;
  /** Sent with every request (a reverse proxy's Authorization). */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** Appended as `?token=` to every URL (ComfyUI-Login, RunPod). */
  readonly token?: string | undefined;
}

/**
 * Runs a workflow through ComfyUI-Connect (`POST /api/connect/workflows/
 * <name>`), as the old bot did. Connect blocks until the render ends and
 * returns the video as base64 when the output node stores it under
 * `images`; otherwise (VideoHelperSuite writes `gifs`, or the request timed
 * out while ComfyUI kept rendering) the job is found in `/history` by its
 * input file name and the video is downloaded through `/view`.
 */
export class ConnectClient implements Renderer {
  readonly #options: ConnectClientOptions;
  readonly #fetch: typeof fetch;

  constructor(options: ConnectClientOptions) {
    this.#options = options;
    this.#fetch = options.fetch ?? globalThis.fetch;
  }

  // Every request carries the server's auth, if it has any.
  #send(path: string, init: RequestInit): Promise<Response> {
    const url = new URL(this.#options.baseUrl + path);
    if (this.#options.token !== undefined) {
      url.searchParams.set("token", this.#options.token);
    }
    const headers = new Headers(init.headers);
    for (const [name, value] of Object.entries(this.#options.headers ?? {})) {
      headers.set(name, value);
    }
    return this.#fetch(url, { ...init, headers });
  }

  /** Renders one video, or throws a {@link ComfyError}. */
  async render(request: RenderRequest): Promise<RenderResult> {
    const answer = await this.#submit(request);
    if (answer !== undefined) {
      const video = firstOutput(answer);
      if (video !== undefined) {
        // The decoded bytes only live until they are in the spool.
        return { file: await this.#options.spool.write(video), via: "direct" };
      }
    }
    const entry = await this.#awaitHistory(request);
    return {
      file: await this.#download(entry, request.signal),
      via: "history",
    };
  }

  /** Finds a job submitted before a restart by its input file name. */
  async recover(request: RecoverRequest): Promise<RenderResult | "lost"> {
    const { timeoutMs, historyIntervalMs, historyAttempts, clock } =
      this.#options;
    const name = inputFileName(request.clientId);
    // Bounded like a fresh render: the request timeout plus the checks.
    const rounds = Math.ceil(timeoutMs / historyIntervalMs) + historyAttempts;
    for (let round = 0; round <= rounds; round++) {
      if (round > 0) await clock.sleep(historyIntervalMs, request.signal);
      const entry = await this.#historyEntry(name, request.signal);
      if (entry !== undefined) {
        return {
          file: await this.#download(entry, request.signal),
          via: "history",
        };
      }
      const queue = await this.#getJson("/queue", request.signal);
      if (findInQueue(queue, name) !== undefined) continue;
      // It may have left the queue for the history between the two reads.
      const late = await this.#historyEntry(name, request.signal);
      if (late === undefined) return "lost";
      return {
        file: await this.#download(late, request.signal),
        via: "history",
      };
    }
    throw new ComfyTimeoutError(
      `"${name}" is still queued in ComfyUI after ${rounds} checks`,
    );
  }

  /** Removes the job from ComfyUI's queue, or interrupts it if running. */
  async cancel(clientId: string): Promise<void> {
    const queue = await this.#getJson("/queue", undefined);
    const found = findInQueue(queue, inputFileName(clientId));
    if (found === undefined) return;
    const [path, body] = found.running
      ? ["/interrupt", { "prompt_id": found.promptId }]
      : ["/queue", { delete: [found.promptId] }];
    try {
      const response = await this.#send(path, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      await response.body?.cancel();
      if (!response.ok) throw new ComfyHttpError(response.status, path, "");
    } catch (error) {
      throw wrapFetchError(error, path, undefined);
    }
  }

  // A finished entry with a video, or undefined while there is none yet;
  // throws when ComfyUI recorded a failure.
  async #historyEntry(
    name: string,
    signal: AbortSignal | undefined,
  ): Promise<HistoryEntry | undefined> {
    const history = await this.#getJson("/history?max_items=256", signal);
    const entry = findByInput(history, name);
    if (entry?.error !== undefined) {
      throw new ComfyJobError(
        `The workflow failed in ComfyUI: ${entry.error}`,
        entry.promptId,
      );
    }
    if (entry?.video !== undefined) return entry;
    if (entry?.completed) {
      throw new ComfyOutputError(
        `ComfyUI finished prompt "${entry.promptId}" without a video output`,
      );
    }
    return undefined;
  }

  // Returns the parsed answer, or undefined when the request timed out and
  // the result has to be looked up in the history.
  async #submit(request: RenderRequest): Promise<unknown> {
    const { workflow, timeoutMs } = this.#options;
    const path = `/api/connect/workflows/${encodeURIComponent(workflow)}`;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = request.signal
      ? AbortSignal.any([request.signal, timeout])
      : timeout;
    let response: Response;
    try {
      response = await this.#send(path, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(this.#body(request)),
        signal,
      });
      if (!response.ok) {
        throw new ComfyHttpError(response.status, path, await response.text());
      }
      return parseJson(await response.text(), path);
    } catch (error) {
      if (timeout.aborted && !request.signal?.aborted) return undefined;
      throw wrapFetchError(error, path, request.signal);
    }
  }

  #body(request: RenderRequest): Record<string, unknown> {
    const body: Record<string, unknown> = {
      image: {
        image: {
          type: "file",
          content: encodeBase64(request.image),
          name: inputFileName(request.clientId),
        },
      },
    };
    const set = (ref: InputRef | undefined, value: number | string) => {
      if (ref === undefined) return;
      const tag = (body[ref.tag] ?? {}) as Record<string, unknown>;
      tag[ref.input] = value;
      body[ref.tag] = tag;
    };
    set(this.#options.durationInput, request.durationSeconds);
    set(this.#options.sizeInput, request.sizePx);
    // Only with a prompt: "automatic" leaves the workflow's own texts, and
    // a workflow without the tag still works for everyone else.
    if (request.prompt !== undefined) {
      set(this.#options.promptInput, request.prompt);
      if (request.negative !== undefined) {
        set(this.#options.negativeInput, request.negative);
      }
    }
    // Connect ignores it, but it names the job in ComfyUI's own logs.
    body.client_id = request.clientId;
    return body;
  }

  async #awaitHistory(request: RenderRequest): Promise<HistoryEntry> {
    const { historyAttempts, historyIntervalMs, clock } = this.#options;
    const name = inputFileName(request.clientId);
    for (let attempt = 1; attempt <= historyAttempts; attempt++) {
      await clock.sleep(historyIntervalMs, request.signal);
      const entry = await this.#historyEntry(name, request.signal);
      if (entry !== undefined) return entry;
    }
    throw new ComfyTimeoutError(
      `No result for "${name}" in ComfyUI's history after ${historyAttempts} checks`,
    );
  }

  async #getJson(
    path: string,
    signal: AbortSignal | undefined,
  ): Promise<unknown> {
    try {
      const response = await this.#send(path, {
        signal: signal ?? null,
      });
      if (!response.ok) {
        throw new ComfyHttpError(response.status, path, await response.text());
      }
      return parseJson(await response.text(), path);
    } catch (error) {
      throw wrapFetchError(error, path, signal);
    }
  }

  async #download(
    entry: HistoryEntry,
    signal: AbortSignal | undefined,
  ): Promise<VideoFile> {
    const file = entry.video as OutputFile;
    const query = new URLSearchParams({
      filename: file.filename,
      subfolder: file.subfolder,
      type: file.type,
    });
    const path = `/view?${query}`;
    let response: Response;
    try {
      response = await this.#send(path, { signal: signal ?? null });
    } catch (error) {
      throw wrapFetchError(error, path, signal);
    }
    return await saveVideo(response, path, this.#options.spool, signal);
  }
}

// Connect answers `status: "success"` even when the render failed; the
// video is then simply missing, which the caller treats like `gifs` output.
function firstOutput(answer: unknown): Uint8Array | undefined {
  if (typeof answer !== "object" || answer === null) {
    throw new ComfyOutputError("ComfyUI-Connect sent an empty answer");
  }
  const { status, result } = answer as Record<string, unknown>;
  if (status !== "success") {
    throw new ComfyJobError(
      `ComfyUI-Connect answered status "${String(status)}"`,
    );
  }
  const outputs = typeof result === "object" && result !== null
    ? Object.values(result as Record<string, unknown>)
    : [];
  for (const list of outputs) {
    if (!Array.isArray(list)) continue;
    const first = list.find((item) => typeof item === "string" && item !== "");
    if (typeof first === "string") {
      try {
        return decodeBase64(first);
      } catch {
        throw new ComfyOutputError(
          "ComfyUI-Connect sent output that is not base64",
        );
      }
    }
  }
  return undefined;
}

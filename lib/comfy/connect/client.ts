import type { Clock } from "../../clock.ts";
import type { InputRef } from "../types.ts";
import { encodeBase64 } from "../base64.ts";
import { aspectFrame, imageDimensions } from "../../media/mod.ts";
import { videoSize } from "../workflow.ts";
import { readConnectAnswer } from "./answer.ts";
import { HistoryLookup } from "./history.ts";
import {
  ComfyError,
  ComfyHttpError,
  ComfyJobError,
  ComfyOutputError,
  ComfyTimeoutError,
} from "../errors.ts";
import { ComfyHttp, readText, wrapFetchError } from "../http.ts";
import { MAX_VIDEO_BYTES, type VideoFile, type VideoSpool } from "../spool.ts";
import {
  inputFileName,
  type RecoverRequest,
  type Renderer,
  type RenderRequest,
  type RenderResult,
} from "../types.ts";
import {
  fetchWorkflowInputs,
  IMAGE_INPUT,
  type InputFeature,
  refName,
  takesInput,
  unknownInputIn,
  type WorkflowInputs,
  type WorkflowSupport,
} from "../workflow_inputs.ts";

export {
  inputFileName,
  type RecoverRequest,
  type Renderer,
  type RenderRequest,
  type RenderResult,
} from "../types.ts";

/** Options of {@link ConnectClient}. */
export interface ConnectClientOptions {
  readonly baseUrl: string;
  readonly workflow: string;
  readonly timeoutMs: number;
  readonly historyIntervalMs: number;
  readonly historyAttempts: number;
  /** Each `/history`, `/queue`, `/view` and listing call (default 30 s). */
  readonly requestTimeoutMs?: number | undefined;
  readonly durationInput?: InputRef | undefined;
  readonly sizeInput?: InputRef | undefined;
  /** Receives the motion prompt (`prompt.text`); undefined: never sent. */
  readonly promptInput?: InputRef | undefined;
  /** Receives the negative text with a motion prompt. */
  readonly negativeInput?: InputRef | undefined;
  readonly clock: Clock;
  /** Where finished videos are streamed to. */
  readonly spool: VideoSpool;
  /** The largest video accepted (default {@link MAX_VIDEO_BYTES}). */
  readonly maxVideoBytes?: number | undefined;
  readonly fetch?: typeof fetch;
  /** Sent with every request (a reverse proxy's Authorization). */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** Appended as `?token=` to every URL (ComfyUI-Login, RunPod). */
  readonly token?: string | undefined;
}

const FEATURES: readonly InputFeature[] = [
  "duration",
  "size",
  "prompt",
  "negative",
];
// The plugin's 500 page is short; a longer one is not read whole.
const MAX_ERROR_BYTES = 64 * 1024;

/**
 * Runs a workflow through ComfyUI-Connect (`POST /api/connect/workflows/
 * <name>`), as the old bot did. It sends only the inputs the saved
 * workflow lists (a workflow saved for the old bot takes just the photo).
 * Connect blocks until the render ends and returns the video as base64
 * when the output node stores it under `images`; otherwise (VideoHelper-
 * Suite writes `gifs`, or the request timed out while ComfyUI kept
 * rendering) the job is found in `/history` by its input file name.
 */
export class ConnectClient implements Renderer {
  readonly #o: ConnectClientOptions;
  readonly #http: ComfyHttp;
  readonly #history: HistoryLookup;
  // undefined: not listed yet; null: the plugin cannot list (older one).
  #listed: WorkflowInputs | null | undefined;
  #listError: string | undefined;
  // Inputs a 500 named as unknown (a plugin without the listing).
  readonly #refused = new Set<string>();

  constructor(options: ConnectClientOptions) {
    this.#o = options;
    this.#http = new ComfyHttp(options);
    this.#history = new HistoryLookup({
      http: this.#http,
      clock: options.clock,
      spool: options.spool,
      intervalMs: options.historyIntervalMs,
      attempts: options.historyAttempts,
      requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
    });
  }

  /** Asks the plugin what the workflow takes (start, health checks). */
  async probe(signal?: AbortSignal): Promise<WorkflowSupport> {
    const timeout = AbortSignal.timeout(this.#o.requestTimeoutMs ?? 30_000);
    try {
      const listed = await fetchWorkflowInputs({
        http: this.#http,
        workflow: this.#o.workflow,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      this.#listed = listed ?? null;
      this.#listError = undefined;
    } catch (error) {
      this.#listError = error instanceof Error ? error.message : String(error);
    }
    return this.support();
  }

  /** What the workflow takes, as last learnt. */
  support(): WorkflowSupport {
    const missing = FEATURES.flatMap((feature) => {
      const ref = this.#ref(feature);
      return ref === undefined || this.#sends(ref)
        ? []
        : [{ feature, ref: refName(ref) }];
    });
    const listed = this.#listed;
    return {
      workflow: this.#o.workflow,
      source: listed === undefined
        ? "unknown"
        : listed === null
        ? "unlisted"
        : "listed",
      missing,
      off: FEATURES.filter((feature) => this.#ref(feature) === undefined),
      image: !listed || takesInput(listed, IMAGE_INPUT),
      error: this.#listError,
    };
  }

  /** Renders one video, or throws a {@link ComfyError}. */
  async render(request: RenderRequest): Promise<RenderResult> {
    if (this.#listed === undefined) await this.probe(request.signal);
    if (!this.support().image) {
      throw new ComfyJobError(
        `The workflow "${this.#o.workflow}" has no "$image" input for the photo`,
      );
    }
    const answer = await this.#submit(request);
    if (answer !== undefined) return { file: answer, via: "direct" };
    const file = await this.#history.video(
      inputFileName(request.clientId),
      request.signal,
    );
    return { file, via: "history" };
  }

  /** Finds a job submitted before a restart by its input file name. */
  async recover(request: RecoverRequest): Promise<RenderResult | "lost"> {
    const { timeoutMs, historyIntervalMs, historyAttempts, clock } = this.#o;
    const name = inputFileName(request.clientId);
    const found = async (): Promise<RenderResult | undefined> => {
      const entry = await this.#history.entry(name, request.signal);
      if (entry === undefined) return undefined;
      const file = await this.#history.download(entry, request.signal);
      return { file, via: "history" };
    };
    // Bounded like a fresh render: the request timeout plus the checks.
    const rounds = Math.ceil(timeoutMs / historyIntervalMs) + historyAttempts;
    for (let round = 0; round <= rounds; round++) {
      if (round > 0) await clock.sleep(historyIntervalMs, request.signal);
      const result = await found();
      if (result !== undefined) return result;
      if (await this.#history.queued(name, request.signal)) continue;
      // It may have left the queue for the history between the two reads.
      return await found() ?? "lost";
    }
    throw new ComfyTimeoutError(
      `"${name}" is still queued in ComfyUI after ${rounds} checks`,
    );
  }

  /** Removes the job from ComfyUI's queue, or interrupts it if running. */
  async cancel(clientId: string): Promise<void> {
    const found = await this.#history.queued(
      inputFileName(clientId),
      undefined,
    );
    if (found === undefined) return;
    const [path, body] = found.running
      ? ["/interrupt", { "prompt_id": found.promptId }]
      : ["/queue", { delete: [found.promptId] }];
    const { status, text } = await this.#http.postJson(path, body);
    if (status < 200 || status > 299) {
      throw new ComfyHttpError(status, path, text);
    }
  }

  #ref(feature: InputFeature): InputRef | undefined {
    switch (feature) {
      case "duration":
        return this.#o.durationInput;
      case "size":
        return this.#o.sizeInput;
      case "prompt":
        return this.#o.promptInput;
      case "negative":
        return this.#o.negativeInput;
    }
  }

  // A listed input, or any configured one while the plugin cannot list.
  #sends(ref: InputRef): boolean {
    if (this.#refused.has(refName(ref))) return false;
    return !this.#listed || takesInput(this.#listed, ref);
  }

  // The video in the spool, or undefined when the answer had none (or the
  // request timed out) and the history has to be asked. A 500 that names
  // an input the workflow lacks is retried once without it (the plugin
  // names one unknown input per answer), and the bot remembers it.
  async #submit(request: RenderRequest): Promise<VideoFile | undefined> {
    for (let attempt = 0;; attempt++) {
      try {
        return await this.#submitOnce(request);
      } catch (error) {
        if (attempt >= FEATURES.length || !this.#learnRefusal(error)) {
          throw error;
        }
      }
    }
  }

  #learnRefusal(error: unknown): boolean {
    if (!(error instanceof ComfyHttpError) || error.status !== 500) {
      return false;
    }
    const named = unknownInputIn(error.body);
    if (named === undefined) return false;
    let learnt = false;
    for (const feature of FEATURES) {
      const ref = this.#ref(feature);
      if (ref === undefined || ref.tag !== named.tag) continue;
      if (named.input !== undefined && ref.input !== named.input) continue;
      if (!this.#sends(ref)) continue;
      this.#refused.add(refName(ref));
      learnt = true;
    }
    return learnt;
  }

  async #submitOnce(
    request: RenderRequest,
  ): Promise<VideoFile | undefined> {
    const { workflow, timeoutMs } = this.#o;
    const path = `/api/connect/workflows/${encodeURIComponent(workflow)}`;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = request.signal
      ? AbortSignal.any([request.signal, timeout])
      : timeout;
    try {
      const response = await this.#http.request(path, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(this.#body(request)),
        signal,
      });
      if (!response.ok) {
        const text = await readText(response, path, signal, MAX_ERROR_BYTES);
        throw new ComfyHttpError(response.status, path, text);
      }
      return await this.#read(response, path);
    } catch (error) {
      if (timeout.aborted && !request.signal?.aborted) return undefined;
      throw wrapFetchError(error, path, request.signal);
    }
  }

  // Connect answers `status: "success"` even when the render failed; the
  // video is then simply missing, which the caller treats like `gifs`.
  async #read(
    response: Response,
    path: string,
  ): Promise<VideoFile | undefined> {
    const maxVideoBytes = this.#o.maxVideoBytes ?? MAX_VIDEO_BYTES;
    if (response.body === null) {
      throw new ComfyOutputError("ComfyUI-Connect sent an empty answer");
    }
    const answer = await readConnectAnswer(response.body, {
      spool: this.#o.spool,
      maxVideoBytes,
      // Several outputs and some whitespace around the base64 (4/3).
      maxBodyBytes: maxVideoBytes * 4 + 1024 * 1024,
    }).catch((error) => {
      throw error instanceof ComfyError
        ? error
        : wrapFetchError(error, path, undefined);
    });
    if (answer.status !== "success") {
      await answer.video?.discard();
      throw new ComfyJobError(
        `ComfyUI-Connect answered status "${String(answer.status)}"`,
      );
    }
    if (answer.video === undefined && answer.refused) throw answer.refused;
    return answer.video;
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
    const put = (ref: InputRef, value: number | string) => {
      const tag = (body[ref.tag] ?? {}) as Record<string, unknown>;
      tag[ref.input] = value;
      body[ref.tag] = tag;
    };
    const set = (feature: InputFeature, value: number | string) => {
      const ref = this.#ref(feature);
      if (ref !== undefined && this.#sends(ref)) put(ref, value);
    };
    set("duration", request.durationSeconds);
    set("size", request.sizePx);
    // A size node with width and height inputs (WanImageToVideo tagged
    // $size) gets the frame too, in the chosen aspect ratio; only when the
    // plugin listed them, so an older workflow is never refused for them.
    const sizeTag = this.#o.sizeInput?.tag;
    if (sizeTag !== undefined && this.#listed) {
      const frame = connectFrame(request);
      for (const input of ["width", "height"] as const) {
        const ref = { tag: sizeTag, input };
        if (takesInput(this.#listed, ref)) put(ref, frame[input]);
      }
    }
    // Only with a prompt: "automatic" leaves the workflow's own texts.
    if (request.prompt !== undefined) {
      set("prompt", request.prompt);
      if (request.negative !== undefined) set("negative", request.negative);
    }
    // Connect ignores it, but it names the job in ComfyUI's own logs.
    body.client_id = request.clientId;
    return body;
  }
}

// Width and height for a Connect workflow: the long side at the quality's
// size, rounded to 16 px (what Wan's latent grid takes).
function connectFrame(request: RenderRequest) {
  const photo = imageDimensions(request.image) ?? { width: 1, height: 1 };
  return videoSize(
    request.sizePx,
    aspectFrame(request.aspect ?? "photo", photo),
    16,
  );
}

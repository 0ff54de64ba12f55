/** Base class of every ComfyUI failure; `kind` says what the user is told. */
export class ComfyError extends Error {
  /** A short machine-readable cause for logs, metrics and user messages. */
  readonly kind: ComfyErrorKind;

  constructor(kind: ComfyErrorKind, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ComfyError";
    this.kind = kind;
  }
}

/** What went wrong, in the terms the bot explains to users. */
export type ComfyErrorKind =
  | "unreachable"
  | "http"
  | "timeout"
  | "job_failed"
  | "bad_output"
  | "no_result";

/** ComfyUI answered with an HTTP error status. */
export class ComfyHttpError extends ComfyError {
  readonly status: number;
  readonly path: string;
  /** The answer's text (bounded by whoever read it). */
  readonly body: string;

  constructor(status: number, path: string, body: string) {
    const snippet = body.replace(/\s+/g, " ").trim().slice(0, 200);
    super(
      "http",
      `ComfyUI answered HTTP ${status} for "${path}"${
        snippet ? `: ${snippet}` : ""
      }`,
    );
    this.name = "ComfyHttpError";
    this.status = status;
    this.path = path;
    this.body = body;
  }
}

/** The server could not be reached at all. */
export class ComfyUnreachableError extends ComfyError {
  constructor(path: string, cause: unknown) {
    super("unreachable", `Cannot reach ComfyUI at "${path}"`, { cause });
    this.name = "ComfyUnreachableError";
  }
}

/** No answer in time, and no result found afterwards. */
export class ComfyTimeoutError extends ComfyError {
  constructor(message: string) {
    super("timeout", message);
    this.name = "ComfyTimeoutError";
  }
}

/** ComfyUI ran the workflow and it failed (out of memory, a node error). */
export class ComfyJobError extends ComfyError {
  readonly promptId: string | undefined;

  constructor(message: string, promptId?: string) {
    super("job_failed", message);
    this.name = "ComfyJobError";
    this.promptId = promptId;
  }
}

/** The workflow finished but what came back is not a playable video. */
export class ComfyOutputError extends ComfyError {
  constructor(message: string) {
    super("bad_output", message);
    this.name = "ComfyOutputError";
  }
}

/** ComfyUI no longer knows the prompt (it restarted, or the queue was cleared). */
export class ComfyLostError extends ComfyError {
  readonly promptId: string;

  constructor(promptId: string) {
    super(
      "no_result",
      `ComfyUI no longer knows prompt "${promptId}" (restarted or cleared)`,
    );
    this.name = "ComfyLostError";
    this.promptId = promptId;
  }
}

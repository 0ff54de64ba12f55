/**
 * The call log of the fake Telegram server (recorded calls and waiters on
 * them) and injected failures ({@link Failure}).
 *
 * @module
 */

import {
  errorResponse,
  htmlErrorResponse,
  reasonPhrase,
  type RecordedFile,
  TelegramApiError,
} from "./wire.ts";

/** One Bot API call received by the fake (getUpdates excluded, see `pollCount`). */
export interface RecordedCall {
  /** Sequence number, starting at 0, in arrival order. */
  id: number;
  /** Method name exactly as in the URL, e.g. `sendMessage`. */
  method: string;
  /** Normalised parameters (JSON values decoded even when sent as form fields). */
  params: Record<string, unknown>;
  /** Files uploaded with the call (multipart). */
  files: RecordedFile[];
  /** `Date.now()` when the call was recorded. */
  at: number;
  /**
   * `performance.now()` when the request arrived, before its body was
   * read (a big upload is recorded only once it is all in).
   */
  receivedAt?: number;
  /**
   * When the client says it sent the call (epoch milliseconds, from an
   * `x-sent-at` request header; benchmarks set it to compare with
   * `receivedAt`).
   */
  sentAt?: number;
  /** The `result` the fake answered with, when it succeeded. */
  result?: unknown;
  /** The error the fake answered with (injected or real), when it failed. */
  error?: { code: number; description: string };
}

/** A failure injected with `FakeTelegram.failNext`. */
export type Failure =
  /** 429 `Too Many Requests: retry after N` with `parameters.retry_after`. */
  | { kind: "429"; retryAfter: number }
  /** A 5xx (default 502 Bad Gateway) as JSON, or as nginx's HTML page with `html: true`. */
  | { kind: "5xx"; status?: number; html?: boolean }
  /** Never answered until the fake closes (then 504); the client has to give up. */
  | { kind: "timeout" }
  /** Any Bot API error, e.g. 403 `Forbidden: bot was blocked by the user`. */
  | { kind: "error"; code: number; description: string; retryAfter?: number };

/** Options of `waitForCall`. */
export interface WaitForCallOptions {
  /** Extra condition on the call. */
  where?: (call: RecordedCall) => boolean;
  /** Only calls with a greater id count (default -1: all). */
  after?: number;
  /** Rejects after this many milliseconds (default 10000). */
  timeoutMs?: number;
}

interface CallWaiter {
  matches: (call: RecordedCall) => boolean;
  resolve: (call: RecordedCall) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

/** Recorded calls, waiters on them and queued failures. */
export class CallLog {
  /** Every recorded call, in arrival order. */
  readonly calls: RecordedCall[] = [];
  readonly #waiters = new Set<CallWaiter>();
  readonly #failures = new Map<string, Failure[]>();
  readonly #held = new Set<() => void>();
  #closed = false;

  /** Appends a call (not yet announced to waiters). */
  record(
    method: string,
    params: Record<string, unknown>,
    files: RecordedFile[],
  ): RecordedCall {
    const call: RecordedCall = {
      id: this.calls.length,
      method,
      params,
      files,
      at: Date.now(),
    };
    this.calls.push(call);
    return call;
  }

  /** Resolves the waiters `call` matches (call once it has been answered). */
  announce(call: RecordedCall): void {
    for (const waiter of this.#waiters) {
      if (!waiter.matches(call)) continue;
      this.#waiters.delete(waiter);
      clearTimeout(waiter.timer);
      waiter.resolve(call);
    }
  }

  /** See `FakeTelegram.waitForCall`. */
  waitForCall(
    method: string,
    opts: WaitForCallOptions = {},
  ): Promise<RecordedCall> {
    const after = opts.after ?? -1;
    const matches = (call: RecordedCall) =>
      call.method === method && call.id > after &&
      (opts.where?.(call) ?? true);
    const done = this.calls.find((call) => matches(call));
    if (done !== undefined) return Promise.resolve(done);
    if (this.#closed) return Promise.reject(new Error("FakeTelegram closed"));
    const timeoutMs = opts.timeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      const waiter: CallWaiter = {
        matches,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.#waiters.delete(waiter);
          reject(
            new Error(
              `waitForCall("${method}") timed out after ${timeoutMs} ms; ` +
                `calls after #${after}: ${this.#describe(after)}`,
            ),
          );
        }, timeoutMs),
      };
      this.#waiters.add(waiter);
    });
  }

  /** Queues `times` failures for `method`. */
  failNext(method: string, failure: Failure, times: number): void {
    const queue = this.#failures.get(method) ?? [];
    for (let i = 0; i < times; i++) queue.push(failure);
    this.#failures.set(method, queue);
  }

  /** The next queued failure of `method`, if any (consumed). */
  takeFailure(method: string): Failure | undefined {
    const queue = this.#failures.get(method);
    const failure = queue?.shift();
    if (queue?.length === 0) this.#failures.delete(method);
    return failure;
  }

  /** The response of an injected failure, recording the error on `call`. */
  failureResponse(
    failure: Failure,
    call?: RecordedCall,
  ): Response | Promise<Response> {
    let error: TelegramApiError;
    switch (failure.kind) {
      case "timeout":
        return new Promise((resolve) => {
          this.#held.add(() =>
            resolve(errorResponse(new TelegramApiError(504, "Gateway Timeout")))
          );
        });
      case "429":
        error = new TelegramApiError(
          429,
          `Too Many Requests: retry after ${failure.retryAfter}`,
          { "retry_after": failure.retryAfter },
        );
        break;
      case "5xx": {
        const status = failure.status ?? 502;
        if (failure.html) {
          if (call) call.error = { code: status, description: "(html page)" };
          return htmlErrorResponse(status, reasonPhrase(status));
        }
        error = new TelegramApiError(status, reasonPhrase(status));
        break;
      }
      case "error":
        error = new TelegramApiError(
          failure.code,
          failure.description,
          failure.retryAfter === undefined
            ? undefined
            : { "retry_after": failure.retryAfter },
        );
        break;
    }
    if (call) call.error = { code: error.code, description: error.description };
    return errorResponse(error);
  }

  /** Answers held (`timeout`) requests and rejects pending waiters. */
  close(): void {
    this.#closed = true;
    for (const release of this.#held) release();
    this.#held.clear();
    for (const waiter of this.#waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error("FakeTelegram closed"));
    }
    this.#waiters.clear();
  }

  #describe(after: number): string {
    const seen = this.calls.filter((call) => call.id > after).map((call) =>
      call.error ? `${call.method}(${call.error.code})` : call.method
    );
    return seen.length > 0 ? seen.join(", ") : "none";
  }
}

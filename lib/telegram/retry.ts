/**
 * Retrying Bot API calls: a 429 is repeated after the `retry_after` Telegram
 * asks for, a 5xx or a network error after a short backoff, each a bounded
 * number of times.
 *
 * Why not `@grammyjs/auto-retry`: its npm build recognises network errors
 * by `instanceof` against grammY's Node build, so with the `grammy/web`
 * import this bot uses it never retries them (and it loads that second
 * grammY); when it does retry them it does so without a bound.
 *
 * @module
 */

import { HttpError, type Transformer } from "grammy";
import type { Clock } from "../clock.ts";

/** Options of {@link retryTransformer}. */
export interface RetryOptions {
  readonly clock: Clock;
  /** Retries after the first attempt (default 3). */
  readonly attempts?: number;
  /** A `retry_after` longer than this is not waited for (default 60 s). */
  readonly maxRetryAfterMs?: number;
  /** Backoff before the first retry of a 5xx or network error (default 500 ms); doubles. */
  readonly backoffMs?: number;
  /** Told about every retry (logs, metrics). */
  readonly onRetry?: (event: RetryEvent) => void;
}

/** One retry about to happen. */
export interface RetryEvent {
  readonly method: string;
  /** `429`, `5xx` or `network`. */
  readonly kind: "429" | "5xx" | "network";
  readonly attempt: number;
  readonly waitMs: number;
}

// grammY's own polling loop handles getUpdates failures (and a retry
// there would delay bot.stop()).
const NOT_RETRIED = new Set(["getUpdates"]);

/** An API transformer that retries 429, 5xx and network failures. */
export function retryTransformer(options: RetryOptions): Transformer {
  const attempts = options.attempts ?? 3;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
  const backoffMs = options.backoffMs ?? 500;
  return async (prev, method, payload, signal) => {
    if (NOT_RETRIED.has(method)) return await prev(method, payload, signal);
    for (let attempt = 1;; attempt++) {
      let wait: { kind: RetryEvent["kind"]; ms: number } | undefined;
      const backoff = backoffMs * 2 ** (attempt - 1);
      try {
        const result = await prev(method, payload, signal);
        if (result.ok) return result;
        const retryAfter = result.parameters?.retry_after;
        if (typeof retryAfter === "number") {
          const ms = retryAfter * 1000;
          if (ms <= maxRetryAfterMs) wait = { kind: "429", ms };
        } else if (result.error_code >= 500) {
          wait = { kind: "5xx", ms: backoff };
        }
        if (wait === undefined || attempt > attempts) return result;
      } catch (error) {
        if (!(error instanceof HttpError) || attempt > attempts) throw error;
        if (signal?.aborted) throw error;
        wait = { kind: "network", ms: backoff };
      }
      options.onRetry?.({ method, kind: wait.kind, attempt, waitMs: wait.ms });
      // grammY types the signal with a polyfill's type; it is the native one.
      await options.clock.sleep(wait.ms, signal as AbortSignal | undefined);
    }
  };
}

/**
 * The fake ComfyUI servers of a load run, in a Worker of their own: they
 * hand out whole videos (up to 45 MB each), and on the bench's own thread
 * that work delayed the fake Telegram's arrival stamps by up to ~0.5 s,
 * which its flood control then counted as calls sent closer together than
 * they were. Started and stopped with {@link startComfyWorker}.
 *
 * @module
 */

import { type ConnectMode, FakeComfy } from "../tests/fakes/comfyui/mod.ts";
import { paddedVideo } from "./common.ts";

/** What the worker is asked to start. */
export interface ComfyWorkerOptions {
  readonly servers: number;
  readonly renderMs: number;
  readonly videoBytes: number;
  /** Default "history": VideoHelperSuite output, served by /view. */
  readonly mode?: ConnectMode;
}

/** Servers running in a worker: their URLs and how to stop them. */
export interface ComfyWorker {
  readonly urls: string[];
  close(): Promise<void>;
}

type Reply = { urls: string[] } | { closed: true } | { error: string };

/** Starts the fake servers in a new Worker; resolves once they listen. */
export function startComfyWorker(
  options: ComfyWorkerOptions,
): Promise<ComfyWorker> {
  const worker = new Worker(import.meta.url, { type: "module" });
  const next = () =>
    new Promise<Reply>((resolve) => {
      worker.onmessage = (event: MessageEvent<Reply>) => resolve(event.data);
      worker.onerror = (event) => {
        event.preventDefault();
        resolve({ error: event.message });
      };
    });
  const started = next();
  worker.postMessage({ start: options });
  return started.then((reply) => {
    if (!("urls" in reply)) {
      worker.terminate();
      throw new Error(`the ComfyUI worker failed: ${JSON.stringify(reply)}`);
    }
    return {
      urls: reply.urls,
      async close() {
        const closed = next();
        worker.postMessage({ close: true });
        await closed;
        worker.terminate();
      },
    };
  });
}

// The worker's side: one start, then one close.
function serve(): void {
  const scope = self as unknown as {
    onmessage: (event: MessageEvent) => void;
    postMessage: (reply: Reply) => void;
  };
  let servers: FakeComfy[] = [];
  scope.onmessage = async (event) => {
    const data = event.data as { start?: ComfyWorkerOptions; close?: true };
    try {
      if (data.start !== undefined) {
        const { servers: count, renderMs, videoBytes } = data.start;
        const mode = data.start.mode ?? "history";
        const video = paddedVideo(videoBytes);
        servers = await Promise.all(
          Array.from(
            { length: count },
            () => FakeComfy.start({ renderMs, video, mode }),
          ),
        );
        scope.postMessage({ urls: servers.map((s) => s.url) });
      } else if (data.close) {
        await Promise.all(servers.map((s) => s.close()));
        scope.postMessage({ closed: true });
      }
    } catch (error) {
      scope.postMessage({ error: String(error) });
    }
  };
}

if ("WorkerGlobalScope" in globalThis) serve();

/**
 * With `DEBUG=true` (LOG_LEVEL=debug), the shape of every ComfyUI exchange:
 * method, path, status, the keys of JSON bodies, sizes and timings, one
 * line per request. It is what an operator needs to see why a server's
 * answer does not fit (the old bot's "Response keys …" lines), without
 * ever showing a value: no base64, no prompt text, no `?token=`, no
 * headers (they carry `auth`).
 *
 * It wraps the `fetch` the composition root hands to the ComfyUI clients,
 * so the clients need no logging code.
 *
 * @module
 */

import { ShapeScanner } from "./json_shape.ts";
import type { Logger } from "../log.ts";

function requestParts(input: RequestInfo | URL, init?: RequestInit) {
  const url = new URL(input instanceof Request ? input.url : String(input));
  const method = init?.method ??
    (input instanceof Request ? input.method : "GET");
  // Host and path only: the query may hold ?token=, the userinfo a password.
  return { method, endpoint: `${url.host}${url.pathname}` };
}

function bodyFields(
  body: BodyInit | null | undefined,
): Record<string, unknown> {
  if (typeof body === "string") {
    const scanner = new ShapeScanner();
    scanner.pushText(body);
    const shape = scanner.shape();
    return shape === "not JSON"
      ? { sent: body.length }
      : { sent: body.length, sentKeys: shape };
  }
  if (body instanceof FormData) {
    const fields = [...body.entries()].map(([name, v]) =>
      typeof v === "string" ? name : `${name}(${v.size} B)`
    );
    return { sentForm: fields.join(",") };
  }
  if (body instanceof Uint8Array || body instanceof Blob) {
    return { sent: body instanceof Blob ? body.size : body.byteLength };
  }
  return {};
}

// A JSON body is passed on as it streams, its bytes counted and its shape
// read on the way: the line is logged when the caller has read it all.
function scanned(
  response: Response,
  done: (fields: Record<string, unknown>) => void,
): Response {
  const type = response.headers.get("content-type") ?? "";
  if (!type.includes("json") || response.body === null) {
    const length = response.headers.get("content-length");
    done({ type: type.split(";")[0], bytes: length ?? undefined });
    return response;
  }
  const scanner = new ShapeScanner();
  let bytes = 0;
  const body = response.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        bytes += chunk.byteLength;
        scanner.pushBytes(chunk);
        controller.enqueue(chunk);
      },
      flush() {
        done({ bytes, keys: scanner.shape() });
      },
    }),
  );
  return new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

/** `inner`, logging the shape of each exchange at debug level. */
export function exchangeLoggingFetch(
  inner: typeof fetch,
  log: Logger,
  now: () => number,
): typeof fetch {
  return async (input, init) => {
    const { method, endpoint } = requestParts(input, init);
    const fields = { endpoint, ...bodyFields(init?.body) };
    const start = now();
    let response: Response;
    try {
      response = await inner(input, init);
    } catch (error) {
      // The name only: fetch errors quote the URL, which may hold a token.
      const name = error instanceof Error ? error.name : typeof error;
      log.debug(`comfyui ${method} failed`, {
        ...fields,
        ms: now() - start,
        error: name,
      });
      throw error;
    }
    const ms = now() - start;
    return scanned(response, (shape) =>
      log.debug(`comfyui ${method}`, {
        ...fields,
        status: response.status,
        ms,
        ...shape,
      }));
  };
}

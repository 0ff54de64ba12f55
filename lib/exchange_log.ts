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

import type { Logger } from "./log.ts";

const MAX_KEYS = 12;
const MAX_DEPTH = 3;

/** `{a,b:{c},d:[3]}`: keys and nesting of a JSON value, never its values. */
export function shapeOf(value: unknown, depth = 0): string {
  if (Array.isArray(value)) return `[${value.length}]`;
  if (typeof value !== "object" || value === null) return typeof value;
  if (depth >= MAX_DEPTH) return "{…}";
  const entries = Object.entries(value);
  const parts = entries.slice(0, MAX_KEYS).map(([key, v]) =>
    typeof v === "object" && v !== null
      ? `${key}:${shapeOf(v, depth + 1)}`
      : key
  );
  if (entries.length > MAX_KEYS) parts.push(`…${entries.length - MAX_KEYS}`);
  return `{${parts.join(",")}}`;
}

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
    try {
      return { sent: body.length, sentKeys: shapeOf(JSON.parse(body)) };
    } catch {
      return { sent: body.length };
    }
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

async function responseFields(
  response: Response,
): Promise<Record<string, unknown>> {
  const type = response.headers.get("content-type") ?? "";
  const length = response.headers.get("content-length");
  if (!type.includes("json")) {
    return { type: type.split(";")[0], bytes: length ?? undefined };
  }
  const text = await response.clone().text();
  let keys: string;
  try {
    keys = shapeOf(JSON.parse(text));
  } catch {
    keys = "not JSON";
  }
  return { bytes: text.length, keys };
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
    const shape = await responseFields(response).catch(() => ({}));
    log.debug(`comfyui ${method}`, {
      ...fields,
      status: response.status,
      ms,
      ...shape,
    });
    return response;
  };
}

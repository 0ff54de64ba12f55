/**
 * Wire-level helpers of the fake Telegram Bot API server: decoding request
 * parameters (JSON, url-encoded forms, multipart uploads, query strings),
 * Bot API error values and JSON response envelopes.
 *
 * @module
 */

import { type MultipartPart, readMultipart } from "./multipart.ts";

/** An error the fake answers as `{"ok":false,"error_code":...}`. */
export class TelegramApiError extends Error {
  /** Builds an error with Telegram's `error_code`, `description` and optional `parameters`. */
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: { retry_after?: number },
  ) {
    super(`${code}: ${description}`);
    this.name = "TelegramApiError";
  }
}

/** Shorthand for a 400 `Bad Request: <detail>` error. */
export function badRequest(detail: string): TelegramApiError {
  return new TelegramApiError(400, `Bad Request: ${detail}`);
}

/** A file part of a multipart request, before it is recorded. */
export interface UploadedPart {
  /** Name of the multipart part (grammY: a random id referenced as `attach://<id>`). */
  part: string;
  /** Parameter that references the part (e.g. `video`), or the part name itself. */
  field: string;
  /** The part's file name, or "". */
  filename: string;
  /** The part's Content-Type, or "". */
  type: string;
  size: number;
  /** The content, unless the request was decoded without keeping files. */
  bytes?: Uint8Array;
}

/** Parameters and file parts decoded from one Bot API request. */
export interface DecodedRequest {
  /** Normalised parameters (numbers, booleans and JSON objects decoded). */
  params: Record<string, unknown>;
  /** File parts of a multipart request, in arrival order. */
  files: UploadedPart[];
}

/** Parameters that hold JSON-serialised objects when sent in a form. */
const JSON_PARAMS = new Set([
  "reply_markup",
  "entities",
  "caption_entities",
  "reply_parameters",
  "link_preview_options",
  "allowed_updates",
  "commands",
  "scope",
  "media",
  "message_ids",
]);

/** Parameters that are integers when sent as form strings. */
const INTEGER_PARAMS = new Set([
  "chat_id",
  "from_chat_id",
  "message_id",
  "message_thread_id",
  "reply_to_message_id",
  "offset",
  "limit",
  "timeout",
  "width",
  "height",
  "duration",
  "cache_time",
  "max_connections",
  "user_id",
]);

/** Parameters that are booleans when sent as form strings. */
const BOOLEAN_PARAMS = new Set([
  "disable_notification",
  "protect_content",
  "supports_streaming",
  "has_spoiler",
  "show_alert",
  "drop_pending_updates",
  "disable_web_page_preview",
  "disable_content_type_detection",
  "allow_sending_without_reply",
  "show_caption_above_media",
  "allow_paid_broadcast",
]);

/** Converts one form-encoded string into the type Telegram would read. */
function normaliseFormValue(key: string, value: string): unknown {
  if (JSON_PARAMS.has(key)) {
    const trimmed = value.trim();
    if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
      try {
        return JSON.parse(trimmed);
      } catch {
        throw badRequest(`can't parse ${key} JSON object`);
      }
    }
    return value;
  }
  if (INTEGER_PARAMS.has(key) && /^-?\d+$/.test(value)) return Number(value);
  if (BOOLEAN_PARAMS.has(key) && (value === "true" || value === "false")) {
    return value === "true";
  }
  return value;
}

/** Maps multipart part names to the parameter referencing them via `attach://`. */
function attachReferences(
  value: unknown,
  field: string,
  out: Map<string, string>,
): void {
  if (typeof value === "string") {
    if (value.startsWith("attach://")) out.set(value.slice(9), field);
  } else if (Array.isArray(value)) {
    for (const item of value) attachReferences(item, field, out);
  } else if (typeof value === "object" && value !== null) {
    for (const inner of Object.values(value)) {
      attachReferences(inner, field, out);
    }
  }
}

/**
 * Decodes the parameters of a Bot API request: query string, then the body as
 * JSON, `application/x-www-form-urlencoded` or `multipart/form-data` (read as
 * it streams in; uploaded bytes are kept only with `keepFiles`).
 */
export async function decodeRequest(
  request: Request,
  url: URL,
  options: { keepFiles: boolean } = { keepFiles: true },
): Promise<DecodedRequest> {
  const params: Record<string, unknown> = {};
  for (const [key, value] of url.searchParams) {
    params[key] = normaliseFormValue(key, value);
  }
  const files: UploadedPart[] = [];
  if (request.method !== "POST" || request.body === null) {
    return { params, files };
  }
  const type = (request.headers.get("content-type") ?? "").toLowerCase();
  if (type.startsWith("application/json")) {
    const text = await request.text();
    if (text.trim() === "") return { params, files };
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw badRequest("can't parse JSON object");
    }
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      throw badRequest("JSON object expected");
    }
    for (const [key, value] of Object.entries(body)) {
      // Some clients send nested objects as JSON strings even in JSON bodies.
      params[key] = typeof value === "string" && JSON_PARAMS.has(key)
        ? normaliseFormValue(key, value)
        : value;
    }
  } else if (type.startsWith("multipart/form-data")) {
    const boundary = /boundary="?([^";]+)"?/i.exec(
      request.headers.get("content-type") ?? "",
    )?.[1];
    if (boundary === undefined) throw badRequest("can't parse request body");
    let parts: MultipartPart[];
    try {
      parts = await readMultipart(request.body, boundary, options.keepFiles);
    } catch {
      throw badRequest("can't parse request body");
    }
    for (const part of parts) {
      if (part.filename === undefined) {
        params[part.name] = normaliseFormValue(part.name, part.value ?? "");
      }
    }
    const references = new Map<string, string>();
    for (const [key, value] of Object.entries(params)) {
      attachReferences(value, key, references);
    }
    for (const part of parts) {
      if (part.filename === undefined) continue;
      files.push({
        part: part.name,
        field: references.get(part.name) ?? part.name,
        filename: part.filename,
        type: part.type,
        size: part.size,
        ...(part.bytes === undefined ? {} : { bytes: part.bytes }),
      });
    }
  } else if (type.startsWith("application/x-www-form-urlencoded")) {
    let form: URLSearchParams;
    try {
      form = new URLSearchParams(await request.text());
    } catch {
      throw badRequest("can't parse request body");
    }
    for (const [key, value] of form) {
      params[key] = normaliseFormValue(key, value);
    }
  } else {
    // Telegram ignores bodies it does not understand; drain it anyway.
    await request.body.cancel();
  }
  return { params, files };
}

/** A successful `{"ok":true,"result":...}` response. */
export function okResponse(result: unknown): Response {
  return Response.json({ ok: true, result });
}

/** An error response exactly as Telegram sends it (status == error_code). */
export function errorResponse(error: TelegramApiError): Response {
  const body: Record<string, unknown> = {
    ok: false,
    "error_code": error.code,
    description: error.description,
  };
  if (error.parameters !== undefined) body.parameters = error.parameters;
  return Response.json(body, { status: error.code });
}

/** The HTML page nginx answers with when the Bot API backend is unreachable. */
export function htmlErrorResponse(status: number, reason: string): Response {
  const title = `${status} ${reason}`;
  const html = `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n` +
    `<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n` +
    `</body>\r\n</html>\r\n`;
  return new Response(html, {
    status,
    headers: { "content-type": "text/html" },
  });
}

/** Reason phrases of the 5xx statuses the fake can simulate. */
export function reasonPhrase(status: number): string {
  switch (status) {
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Server Error";
  }
}

/** Reads an integer parameter (numbers or numeric strings), or undefined. */
export function intParam(
  params: Record<string, unknown>,
  name: string,
): number | undefined {
  const value = params[name];
  if (typeof value === "number" && Number.isInteger(value)) return value;
  if (typeof value === "string" && /^-?\d+$/.test(value)) return Number(value);
  return undefined;
}

/** Reads a required integer parameter or fails like Telegram does. */
export function requireInt(
  params: Record<string, unknown>,
  name: string,
): number {
  const value = intParam(params, name);
  if (value === undefined) {
    if (params[name] === undefined) throw badRequest(`${name} is empty`);
    throw badRequest(`invalid ${name} specified`);
  }
  return value;
}

/** Reads a string parameter (numbers are stringified), or undefined. */
export function strParam(
  params: Record<string, unknown>,
  name: string,
): string | undefined {
  const value = params[name];
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  return undefined;
}

/** Reads a boolean parameter (`true`/`"true"`), defaulting to false. */
export function boolParam(
  params: Record<string, unknown>,
  name: string,
): boolean {
  const value = params[name];
  return value === true || value === "true";
}

/** Reads a parameter that must be a JSON object (or a JSON string of one). */
export function objectParam(
  params: Record<string, unknown>,
  name: string,
): Record<string, unknown> | undefined {
  let value = params[name];
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      throw badRequest(`can't parse ${name} JSON object`);
    }
  }
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) {
    throw badRequest(`can't parse ${name} JSON object`);
  }
  return value as Record<string, unknown>;
}

/** Reads a parameter that must be a JSON array (or a JSON string of one). */
export function arrayParam(
  params: Record<string, unknown>,
  name: string,
): unknown[] | undefined {
  let value = params[name];
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      throw badRequest(`can't parse ${name} JSON array`);
    }
  }
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw badRequest(`can't parse ${name} JSON array`);
  return value;
}

/** A file uploaded in a multipart request, as recorded for tests. */
export interface RecordedFile {
  /** Parameter the file was sent for (e.g. `video`, `photo`, `document`). */
  field: string;
  /** File name from the multipart part (grammY default: `video.mp4`, ...). */
  filename: string;
  /** Size in bytes. */
  size: number;
  /** Content, unless the fake was started with `recordFileBytes: false`. */
  bytes?: Uint8Array;
  /** Content type of the part, if the client sent one. */
  contentType?: string;
}

/** A recorded upload together with the multipart part name referencing it. */
export interface Upload {
  /** Multipart part name (`attach://<part>`). */
  part: string;
  /** What tests see in `RecordedCall.files`. */
  record: RecordedFile;
}

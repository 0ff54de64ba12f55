/**
 * The render servers an operator configures: `COMFYUI_URLS` is a comma
 * list of entries, each a URL followed by optional `;key=value` settings:
 *
 *     COMFYUI_URLS=http://10.0.0.5:8188;kind=core;concurrency=2,
 *                  https://gpu.example;kind=connect;auth=Bearer abc123
 *
 * `kind` is `connect` (the ComfyUI-Connect plugin, the default), `core`
 * (plain ComfyUI) or `preview` (no GPU: a local ffmpeg zoom, entry
 * `preview` with no URL); `concurrency` is how many jobs the server runs at
 * once (1); `auth` is an Authorization header value for a reverse proxy;
 * `token` is appended as `?token=` (ComfyUI-Login, RunPod); `name` names
 * the server in logs and /backends (default: its host and port).
 */

import { MASK, maskUrls } from "../../secrets.ts";

/** Kinds of render backends. */
export type ServerKind = "connect" | "core" | "preview";

/** One configured render server. */
export interface ServerSpec {
  readonly name: string;
  readonly kind: ServerKind;
  /** Base URL without a trailing slash; empty for `preview`. */
  readonly url: string;
  readonly concurrency: number;
  /** Extra request headers (Authorization). */
  readonly headers: Readonly<Record<string, string>>;
  readonly token: string | undefined;
}

/** A server entry that cannot be used; the message says which and why. */
export class ServerSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ServerSpecError";
  }
}

const KINDS: readonly ServerKind[] = ["connect", "core", "preview"];

// The settings of an entry while it is being read.
interface Draft {
  kind?: ServerKind;
  concurrency?: number;
  headers?: Record<string, string>;
  token?: string;
  name?: string;
}

function parseKey(
  entry: string,
  key: string,
  value: string,
  into: Draft,
): void {
  switch (key) {
    case "kind": {
      const kind = KINDS.find((k) => k === value);
      if (kind === undefined) {
        throw new ServerSpecError(
          `"${entry}": kind must be one of ${KINDS.join(", ")}`,
        );
      }
      into.kind = kind;
      return;
    }
    case "concurrency": {
      const n = Number(value);
      if (!/^\d+$/.test(value) || n < 1 || n > 64) {
        throw new ServerSpecError(`"${entry}": concurrency must be 1..64`);
      }
      into.concurrency = n;
      return;
    }
    case "auth":
      into.headers = { authorization: value };
      return;
    case "token":
      into.token = value;
      return;
    case "name":
      if (!/^[\w.:-]{1,64}$/.test(value)) {
        throw new ServerSpecError(
          `"${entry}": name may use letters, digits, "_.:-"`,
        );
      }
      into.name = value;
      return;
    default:
      throw new ServerSpecError(`"${entry}": unknown setting "${key}"`);
  }
}

function parseUrl(entry: string, raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ServerSpecError(`"${entry}": not a URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ServerSpecError(
      `"${entry}": the URL must be http:// or https://`,
    );
  }
  return url;
}

// Secrets (auth, token, a URL's user:password@) are never part of an
// error message.
function redactEntry(entry: string): string {
  const masked = entry.replace(/;(auth|token)=[^;]*/g, ";$1=…");
  // Without a scheme maskUrls sees no URL: drop the user info by hand.
  return masked.includes("://")
    ? maskUrls(masked)
    : masked.replace(/^[^;]*@/, `${MASK}@`);
}

/** Parses one entry of `COMFYUI_URLS`. */
export function parseServer(
  raw: string,
  defaultKind: ServerKind = "connect",
): ServerSpec {
  const entry = redactEntry(raw.trim());
  const [head = "", ...settings] = raw.trim().split(";");
  const into: Draft = {};
  for (const setting of settings) {
    const at = setting.indexOf("=");
    if (at <= 0) {
      throw new ServerSpecError(
        `"${entry}": "${setting.split("=")[0]}" needs a value`,
      );
    }
    parseKey(
      entry,
      setting.slice(0, at).trim(),
      setting.slice(at + 1).trim(),
      into,
    );
  }
  if (head.trim() === "preview") {
    return {
      name: into.name ?? "preview",
      kind: "preview",
      url: "",
      concurrency: into.concurrency ?? 1,
      headers: {},
      token: undefined,
    };
  }
  const url = parseUrl(entry, head.trim());
  const kind = into.kind ?? defaultKind;
  if (kind === "preview") {
    throw new ServerSpecError(`"${entry}": a preview backend takes no URL`);
  }
  return {
    name: into.name ?? url.host,
    kind,
    url: url.href.replace(/\/+$/, ""),
    concurrency: into.concurrency ?? 1,
    headers: into.headers ?? {},
    token: into.token,
  };
}

/** Parses the whole list; names must be unique. */
export function parseServers(
  raw: string,
  defaultKind: ServerKind = "connect",
): ServerSpec[] {
  const specs = raw.split(",").map((e) => e.trim()).filter((e) => e !== "")
    .map((entry) => parseServer(entry, defaultKind));
  if (specs.length === 0) throw new ServerSpecError("no server is listed");
  const names = new Set<string>();
  for (const spec of specs) {
    if (names.has(spec.name)) {
      throw new ServerSpecError(
        `two servers are named "${spec.name}"; add ;name=… to one`,
      );
    }
    names.add(spec.name);
  }
  if (specs.some((s) => s.kind === "preview") && specs.length > 1) {
    throw new ServerSpecError(
      "preview cannot be mixed with real servers: its videos are not AI",
    );
  }
  return specs;
}

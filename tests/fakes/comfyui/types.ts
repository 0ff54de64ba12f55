/**
 * Options and records of the fake ComfyUI ({@linkcode FakeComfy}).
 *
 * @module
 */

import type { Template } from "../../../lib/comfy/workflow.ts";
import type { Graph } from "./history.ts";
import type { ConnectMode } from "./connect.ts";
import type { WsMode } from "./ws.ts";

/** Options of {@linkcode FakeComfy.start}. */
export interface FakeComfyOptions {
  /** How Connect runs answer; default "direct". Mutable later via `mode`. */
  mode?: ConnectMode;
  /** How long each job "renders" (jobs run one at a time); default 30. */
  renderMs?: number;
  /** Bytes of the rendered video; default SAMPLE_MP4. */
  video?: Uint8Array;
  /** Saved Connect workflow names; default ["api-video"]. */
  workflows?: string[];
  /**
   * Exposed tag → input names (a generated workflow); default: the old
   * bot's `api-video` (`$image` and `#output` only).
   */
  tags?: Record<string, string[]>;
  /** Saved workflows by name (API graphs with tagged titles); wins over `tags`. */
  saved?: Record<string, Graph>;
  /** Files a direct job's output node saves (default 1: a bare string). */
  outputFiles?: number;
  /**
   * A plugin without `GET /connect/workflows/{name}` (older versions have
   * only the POST route there: aiohttp answers 405).
   */
  noListing?: boolean;
  /** aiohttp in asyncio debug mode: 500 pages carry the traceback. */
  debug?: boolean;
  /** A real folder ComfyUI also reads input images from. */
  inputDir?: string;
  /** History size before FIFO eviction; default 10000. */
  historyCap?: number;
  /**
   * Makes the video of each job from its input image (default: `video` for
   * all), so a test can tell whose photo a delivered video was made from.
   */
  videoFor?: (image: Uint8Array) => Uint8Array;
  /** Websocket behaviour; default "ok". Mutable later via `ws.mode`. */
  wsMode?: WsMode;
  /**
   * Requires `Authorization: Bearer <bearer>` or `?token=<token>` on every
   * route, `/ws` included; 401 otherwise.
   */
  auth?: { bearer?: string; token?: string };
  /** A template whose mapped inputs `POST /prompt` checks. */
  template?: Template;
  /** Model files present; when set, `*_name` loader inputs must be one. */
  models?: string[];
}

/** A recorded `GET /view` query (raw values; defaults "" and "output"). */
export interface ViewRequest {
  filename: string;
  subfolder: string;
  type: string;
}

/** One HTTP request the fake answered. */
export interface CallRecord {
  method: string;
  /** Path and query exactly as requested (with any `/api` prefix). */
  path: string;
  status: number;
}

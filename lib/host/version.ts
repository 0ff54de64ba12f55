/**
 * The release version, taken from deno.json's "version" when the program
 * is built: a static JSON import is bundled by `deno compile` and
 * `deno bundle`, so the binary needs no deno.json at run time.
 *
 * @module
 */

import denoJson from "../../deno.json" with { type: "json" };

/** The version of this build, e.g. `1.0.0`. */
export const VERSION: string = typeof denoJson.version === "string"
  ? denoJson.version
  : "unknown";

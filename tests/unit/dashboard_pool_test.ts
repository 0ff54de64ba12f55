import assert from "node:assert/strict";
import type { Renderer, RenderRequest } from "../../lib/comfy/mod.ts";
import { RenderPool } from "../../lib/comfy/pool/pool.ts";
import { parseServer } from "../../lib/comfy/pool/servers.ts";
import { silentLogger } from "../../lib/log.ts";
import { stubVideo } from "../fixtures/spool.ts";

const VIDEO = stubVideo();

// Renders finish at once; records which server got each job.
function renderer(name: string, calls: string[]): Renderer {
  return {
    render: (r: RenderRequest) => {
      calls.push(`${name}:${r.clientId}`);
      return Promise.resolve({ file: VIDEO, via: "direct" as const });
    },
    recover: () => Promise.resolve("lost" as const),
    cancel: () => Promise.resolve(),
  };
}

function request(id: string): RenderRequest {
  return {
    clientId: id,
    image: new Uint8Array(),
    durationSeconds: 5,
    sizePx: 300,
  };
}

Deno.test("RenderPool.setEnabled takes a server out of rotation and puts it back", async () => {
  const calls: string[] = [];
  const pool = new RenderPool({
    servers: ["s0", "s1"].map((name, i) => ({
      spec: parseServer(`http://127.0.0.${i + 1}:8188;name=${name}`),
      renderer: renderer(name, calls),
    })),
    clock: { now: () => 0, sleep: () => new Promise(() => {}) },
    log: silentLogger,
    assignments: { get: () => undefined, set: () => {} },
    failovers: 0,
    healthIntervalMs: 60_000,
    fetch: () => Promise.resolve(Response.json({})),
  });
  assert.equal(pool.setEnabled("nope", false), false);
  assert.equal(pool.setEnabled("s0", false), true);
  assert.deepEqual(pool.status().map((s) => s.enabled), [false, true]);
  for (const id of ["a", "b", "c"]) await pool.render(request(id));
  assert.deepEqual(calls, ["s1:a", "s1:b", "s1:c"]);
  // With every server out of rotation a job waits instead of failing.
  pool.setEnabled("s1", false);
  let done = false;
  const waiting = pool.render(request("d")).then(() => done = true);
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(done, false);
  pool.setEnabled("s0", true);
  await waiting;
  assert.equal(calls.at(-1), "s0:d");
  assert.deepEqual(pool.status().map((s) => s.enabled), [true, false]);
});

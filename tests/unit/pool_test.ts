import assert from "node:assert/strict";
import type { Clock } from "../../lib/clock.ts";
import {
  ComfyJobError,
  ComfyUnreachableError,
  type Renderer,
  type RenderRequest,
  type VideoFile,
} from "../../lib/comfy/mod.ts";
import { RenderPool } from "../../lib/comfy/pool/pool.ts";
import { parseServer } from "../../lib/comfy/pool/servers.ts";
import { silentLogger } from "../../lib/log.ts";
import { stubVideo } from "../fixtures/spool.ts";

const clock: Clock = {
  now: () => Date.now(),
  sleep: () => new Promise(() => {}),
};
const VIDEO = stubVideo();

// A renderer whose renders finish when the test says so.
class StubRenderer implements Renderer {
  readonly calls: string[] = [];
  readonly pending: { id: string; finish: (e?: Error) => void }[] = [];
  recovered: string[] = [];
  render(request: RenderRequest) {
    this.calls.push(request.clientId);
    return new Promise<{ file: VideoFile; via: "direct" }>(
      (resolve, reject) => {
        this.pending.push({
          id: request.clientId,
          finish: (error) =>
            error ? reject(error) : resolve({ file: VIDEO, via: "direct" }),
        });
      },
    );
  }
  recover(request: { clientId: string }) {
    this.recovered.push(request.clientId);
    return Promise.resolve("lost" as const);
  }
  cancel() {
    return Promise.resolve();
  }
}

function pool(stubs: StubRenderer[], fetchOk = () => true) {
  const assigned = new Map<string, string>();
  const changes: string[] = [];
  const p = new RenderPool({
    servers: stubs.map((renderer, i) => ({
      spec: parseServer(`http://127.0.0.${i + 1}:8188;name=s${i}`),
      renderer,
    })),
    clock,
    log: silentLogger,
    assignments: {
      get: (id) => assigned.get(id),
      set: (id, s) => void assigned.set(id, s),
    },
    failovers: 1,
    healthIntervalMs: 60_000,
    fetch: (input) =>
      Promise.resolve(
        fetchOk()
          ? Response.json(
            String(input).includes("/queue")
              ? { queue_running: [], queue_pending: [] }
              : {},
          )
          : new Response("down", { status: 502 }),
      ),
    onStateChange: (server, up) =>
      changes.push(`${server}:${up ? "up" : "down"}`),
  });
  return { pool: p, assigned, changes };
}

const request = (id: string): RenderRequest => ({
  clientId: id,
  image: new Uint8Array(),
  durationSeconds: 5,
  sizePx: 300,
});

async function settle(stub: StubRenderer, count: number) {
  for (let i = 0; i < 100 && stub.pending.length < count; i++) {
    await new Promise((r) => setTimeout(r, 0));
  }
}

Deno.test("RenderPool spreads jobs over servers within their concurrency", async () => {
  const a = new StubRenderer();
  const b = new StubRenderer();
  const { pool: p } = pool([a, b]);
  const jobs = Array.from({ length: 10 }, (_, i) => p.render(request(`j${i}`)));
  await settle(a, 1);
  await settle(b, 1);
  // One each at a time (concurrency 1), the rest wait.
  assert.equal(a.pending.length + b.pending.length, 2);
  // Both servers take the same time per job.
  for (let round = 0; round < 10; round++) {
    a.pending.shift()?.finish();
    b.pending.shift()?.finish();
    for (let i = 0; i < 3; i++) await new Promise((r) => setTimeout(r, 0));
  }
  await Promise.all(jobs);
  assert.equal(a.calls.length + b.calls.length, 10);
  assert.ok(
    a.calls.length >= 3 && b.calls.length >= 3,
    `${a.calls.length}/${b.calls.length}`,
  );
  const status = p.status();
  assert.deepEqual(status.map((s) => s.done), [5, 5]);
});

Deno.test("RenderPool moves a job whose server died to another server", async () => {
  const a = new StubRenderer();
  const b = new StubRenderer();
  const { pool: p, assigned, changes } = pool([a, b]);
  const job = p.render(request("j1"));
  await settle(a, 1);
  const first = a.pending.length > 0 ? a : b;
  const other = first === a ? b : a;
  first.pending.shift()?.finish(
    new ComfyUnreachableError("/x", new Error("reset")),
  );
  await settle(other, 1);
  other.pending.shift()?.finish();
  assert.deepEqual((await job).file, VIDEO);
  assert.equal(assigned.get("j1"), first === a ? "s1" : "s0");
  assert.deepEqual(changes, [`${first === a ? "s0" : "s1"}:down`]);
  // A dead server has lost its jobs; a job there is resubmitted by the runner.
  assigned.set("j2", first === a ? "s0" : "s1");
  assert.equal(await p.recover({ clientId: "j2" }), "lost");
  assert.deepEqual(first.recovered, []);
});

Deno.test("RenderPool does not fail over a render error, and fails when all are down", async () => {
  const a = new StubRenderer();
  const { pool: p } = pool([a], () => false);
  const job = p.render(request("j1"));
  await settle(a, 1);
  a.pending.shift()?.finish(new ComfyJobError("OOM"));
  await assert.rejects(job, ComfyJobError);
  assert.equal(a.calls.length, 1);
  await p.checkNow();
  assert.equal(p.status()[0]?.up, false);
  await assert.rejects(p.render(request("j2")), ComfyUnreachableError);
});

Deno.test("RenderPool health checks put a server back", async () => {
  let ok = false;
  const a = new StubRenderer();
  const { pool: p, changes } = pool([a], () => ok);
  await p.checkNow();
  ok = true;
  await p.checkNow();
  assert.deepEqual(changes, ["s0:down", "s0:up"]);
  assert.equal(p.status()[0]?.queue, 0);
});

import assert from "node:assert/strict";
import { limitDownloads } from "../../lib/jobs/photo_check.ts";
import type { PhotoSource } from "../../lib/telegram/files.ts";

Deno.test("limitDownloads() keeps at most `max` downloads in flight, FIFO", async () => {
  let inFlight = 0;
  let most = 0;
  const started: string[] = [];
  const gates = new Map<string, () => void>();
  const source: PhotoSource = {
    async download(fileId) {
      started.push(fileId);
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise<void>((resolve) => gates.set(fileId, resolve));
      inFlight--;
      return new Uint8Array([1]);
    },
  };
  const limited = limitDownloads(source, 2);
  const ids = ["a", "b", "c", "d", "e"];
  const all = Promise.all(ids.map((id) => limited.download(id)));
  const settle = async () => {
    for (let i = 0; i < 20; i++) await Promise.resolve();
  };
  await settle();
  assert.deepEqual(started, ["a", "b"]);
  for (const id of ids) {
    gates.get(id)?.();
    await settle();
  }
  await all;
  assert.equal(most, 2);
  assert.deepEqual(started, ids);
});

Deno.test("limitDownloads() lets a waiting download be aborted", async () => {
  const never: PhotoSource = { download: () => new Promise(() => {}) };
  const limited = limitDownloads(never, 1);
  void limited.download("held");
  const controller = new AbortController();
  const waiting = limited.download("waits", { signal: controller.signal });
  controller.abort(new Error("stop"));
  await assert.rejects(waiting, /stop/);
});

import assert from "node:assert/strict";
import type { Clock } from "../../lib/clock.ts";
import { silentLogger } from "../../lib/log.ts";
import { openTimeBook } from "../../lib/stats/mod.ts";

const clock: Clock = {
  now: () => Date.UTC(2026, 10, 26, 12, 0, 0),
  sleep: () => Promise.resolve(),
};

async function inDir(
  fn: (dir: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "lora-timebook-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const names = async (dir: string) =>
  (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();

Deno.test("openTimeBook() upgrades the completion_times format, backup first", () =>
  inDir(async (dir) => {
    const path = `${dir}/processing_stats.json`;
    const old = '{"completion_times": [120.5, 60], "last_updated": "x"}';
    await Deno.writeTextFile(path, old);
    const book = await openTimeBook(path, silentLogger, clock);
    assert.equal(book.stats.meanOverall(), 90.25);
    assert.deepEqual(await names(dir), [
      "processing_stats.json",
      "processing_stats.json.backup-2026-11-26T12-00-00-000Z",
    ]);
    assert.equal(
      await Deno.readTextFile(`${path}.backup-2026-11-26T12-00-00-000Z`),
      old,
    );
    assert.deepEqual(JSON.parse(await Deno.readTextFile(path)), {
      times: [120.5, 60],
      "times_by_settings": {},
    });
    // The next start finds the current format: no second backup.
    await openTimeBook(path, silentLogger, clock);
    assert.equal((await names(dir)).length, 2);
  }));

Deno.test("openTimeBook() leaves a current file alone", () =>
  inDir(async (dir) => {
    const path = `${dir}/processing_stats.json`;
    const current = JSON.stringify({
      times: [95],
      "times_by_settings": { "5_low": [95] },
    });
    await Deno.writeTextFile(path, current);
    const book = await openTimeBook(path, silentLogger, clock);
    assert.equal(book.predictSeconds("5_low"), 95);
    assert.deepEqual(await names(dir), ["processing_stats.json"]);
    assert.equal(await Deno.readTextFile(path), current);
  }));

Deno.test("openTimeBook() keeps a copy of a corrupt file before replacing it", () =>
  inDir(async (dir) => {
    const path = `${dir}/processing_stats.json`;
    await Deno.writeTextFile(path, "{not json");
    const book = await openTimeBook(path, silentLogger, clock);
    assert.equal(book.stats.count(), 0);
    await book.record("10_medium", 42);
    const files = await names(dir);
    assert.equal(files.length, 2);
    assert.equal(
      await Deno.readTextFile(`${dir}/${files[1]}`),
      "{not json",
    );
  }));

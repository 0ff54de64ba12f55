import assert from "node:assert/strict";
import { silentLogger } from "../../lib/log.ts";
import {
  DEFAULT_PREDICTION_SECONDS,
  denoTextFiles,
  loadProcessingStats,
  MAX_TIMES,
  MAX_TIMES_PER_KEY,
  openTimeBook,
  ProcessingStats,
  saveProcessingStats,
  StatsFileError,
  type TextFiles,
} from "../../lib/stats/mod.ts";

/** In-memory TextFiles that records every write. */
class MemoryFiles implements TextFiles {
  readonly files = new Map<string, string>();
  readonly writes: string[] = [];

  readText(path: string): Promise<string | undefined> {
    return Promise.resolve(this.files.get(path));
  }

  writeTextAtomic(path: string, text: string): Promise<void> {
    this.writes.push(path);
    this.files.set(path, text);
    return Promise.resolve();
  }
}

/** TextFiles whose every call fails, to check error wrapping. */
const brokenFiles: TextFiles = {
  readText: () => Promise.reject(new Deno.errors.PermissionDenied("nope")),
  writeTextAtomic: () => Promise.reject(new Deno.errors.PermissionDenied("no")),
};

const range = (n: number, from = 1): number[] =>
  Array.from({ length: n }, (_, i) => from + i);

Deno.test("ProcessingStats.fromJSON() reads the current file format", () => {
  const data = {
    times: [120.5, 99.3],
    "times_by_settings": { "5_low": [95, 100], "10_medium": [180, 175] },
  };
  const stats = ProcessingStats.fromJSON(data);
  assert.deepEqual(stats.toJSON(), data);
  assert.equal(stats.count(), 2);
});

Deno.test("ProcessingStats.fromJSON() reads the old completion_times format", () => {
  const stats = ProcessingStats.fromJSON({
    "completion_times": [120.5, 60],
    "last_updated": "2025-10-21",
  });
  assert.deepEqual(stats.toJSON(), {
    times: [120.5, 60],
    "times_by_settings": {},
  });
});

Deno.test("ProcessingStats.fromJSON() prefers times over completion_times", () => {
  const stats = ProcessingStats.fromJSON({
    times: [10],
    "completion_times": [99],
  });
  assert.deepEqual(stats.toJSON().times, [10]);
});

Deno.test("ProcessingStats.fromJSON() drops hostile entries", () => {
  const stats = ProcessingStats.fromJSON({
    times: [
      50,
      -1,
      0,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      "60",
      null,
      { n: 5 },
      [7],
      true,
      70,
    ],
    "times_by_settings": {
      "5_low": [90, "bad", -3, 110],
      "10_high": "not a list",
      "15_high": [],
      "10_low": [Number.NaN],
    },
  });
  assert.deepEqual(stats.toJSON(), {
    times: [50, 70],
    "times_by_settings": { "5_low": [90, 110] },
  });
});

Deno.test("ProcessingStats.fromJSON() gives empty stats for a non-object", () => {
  for (const bad of [null, undefined, 42, "text", [1, 2, 3], true]) {
    const stats = ProcessingStats.fromJSON(bad);
    assert.equal(stats.count(), 0, `input ${JSON.stringify(bad)}`);
    assert.deepEqual(stats.toJSON(), { times: [], "times_by_settings": {} });
  }
});

Deno.test("ProcessingStats.fromJSON() ignores non-object times_by_settings", () => {
  for (const bad of [null, [[1, 2]], "x", 5]) {
    const stats = ProcessingStats.fromJSON({
      times: [1],
      "times_by_settings": bad,
    });
    assert.deepEqual(stats.toJSON().times_by_settings, {});
  }
});

Deno.test("ProcessingStats.fromJSON() keeps only the last 100 and 20 per key", () => {
  const stats = ProcessingStats.fromJSON({
    times: range(150),
    "times_by_settings": { "10_medium": range(30) },
  });
  const json = stats.toJSON();
  assert.deepEqual(json.times, range(100, 51));
  assert.deepEqual(json.times_by_settings["10_medium"], range(20, 11));
});

Deno.test("ProcessingStats.fromJSON() treats a __proto__ key as plain data", () => {
  const data: unknown = JSON.parse(
    '{"times":[1],"times_by_settings":{"__proto__":[42],"5_low":[7]}}',
  );
  const stats = ProcessingStats.fromJSON(data);
  assert.equal(stats.predictSeconds("__proto__"), 42);
  const bySettings = stats.toJSON().times_by_settings;
  assert.ok(Object.hasOwn(bySettings, "__proto__"));
  assert.equal(Object.getPrototypeOf(bySettings), Object.prototype);
  assert.equal(stats.predictSeconds("toString"), 1);
});

Deno.test("ProcessingStats.toJSON() returns copies", () => {
  const stats = ProcessingStats.fromJSON({
    times: [10],
    "times_by_settings": { "5_low": [10] },
  });
  const json = stats.toJSON();
  json.times.push(999);
  json.times_by_settings["5_low"]?.push(999);
  assert.deepEqual(stats.toJSON(), {
    times: [10],
    "times_by_settings": { "5_low": [10] },
  });
});

Deno.test("ProcessingStats.fromJSON() does not alias its input", () => {
  const input = { times: [10], "times_by_settings": { "5_low": [10] } };
  const stats = ProcessingStats.fromJSON(input);
  stats.record("5_low", 20);
  assert.deepEqual(input, {
    times: [10],
    "times_by_settings": { "5_low": [10] },
  });
});

Deno.test("ProcessingStats.record() appends to the overall and per-key lists", () => {
  const stats = new ProcessingStats();
  stats.record("10_medium", 180);
  stats.record("5_low", 95.5);
  stats.record("10_medium", 170);
  assert.deepEqual(stats.toJSON(), {
    times: [180, 95.5, 170],
    "times_by_settings": { "10_medium": [180, 170], "5_low": [95.5] },
  });
});

Deno.test("ProcessingStats.record() keeps the last 100 overall", () => {
  const stats = new ProcessingStats();
  for (let i = 1; i <= 101; i++) stats.record(`k${i % 7}`, i);
  assert.equal(MAX_TIMES, 100);
  assert.equal(stats.count(), 100);
  assert.deepEqual(stats.toJSON().times, range(100, 2));
});

Deno.test("ProcessingStats.record() keeps the last 20 per key", () => {
  const stats = new ProcessingStats();
  for (let i = 1; i <= 21; i++) stats.record("15_high", i);
  stats.record("5_low", 500);
  assert.equal(MAX_TIMES_PER_KEY, 20);
  const json = stats.toJSON();
  assert.deepEqual(json.times_by_settings["15_high"], range(20, 2));
  assert.deepEqual(json.times_by_settings["5_low"], [500]);
  assert.equal(stats.count(), 22);
});

Deno.test("ProcessingStats.record() ignores non-finite and non-positive times", () => {
  const stats = new ProcessingStats();
  for (const bad of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
    stats.record("5_low", bad);
  }
  assert.equal(stats.count(), 0);
  assert.deepEqual(stats.toJSON(), { times: [], "times_by_settings": {} });
});

Deno.test("ProcessingStats.predictSeconds() uses the mean for those settings first", () => {
  const stats = ProcessingStats.fromJSON({
    times: [10, 10, 10],
    "times_by_settings": { "15_high": [300, 320], "5_low": [10] },
  });
  assert.equal(stats.predictSeconds("15_high"), 310);
});

Deno.test("ProcessingStats.predictSeconds() falls back to the mean of the last 10", () => {
  const stats = ProcessingStats.fromJSON({
    times: [...range(5, 1000), ...range(10, 1)],
    "times_by_settings": { "5_low": [7] },
  });
  // Only 1..10 are in the window; the older 1000s must not count.
  assert.equal(stats.predictSeconds("10_medium"), 5.5);
});

Deno.test("ProcessingStats.predictSeconds() uses all times when fewer than 10", () => {
  const stats = ProcessingStats.fromJSON({ times: [100, 200] });
  assert.equal(stats.predictSeconds("10_medium"), 150);
});

Deno.test("ProcessingStats.predictSeconds() defaults to 120 with no history", () => {
  assert.equal(DEFAULT_PREDICTION_SECONDS, 120);
  assert.equal(new ProcessingStats().predictSeconds("10_medium"), 120);
});

Deno.test("ProcessingStats.predictSeconds() follows newly recorded times", () => {
  const stats = new ProcessingStats();
  stats.record("5_low", 60);
  assert.equal(stats.predictSeconds("5_low"), 60);
  assert.equal(stats.predictSeconds("15_high"), 60);
  stats.record("15_high", 300);
  assert.equal(stats.predictSeconds("15_high"), 300);
});

Deno.test("ProcessingStats.meanByKey() gives mean and count per key", () => {
  const stats = ProcessingStats.fromJSON({
    times: [1],
    "times_by_settings": { "5_low": [90, 100, 110], "10_medium": [180] },
  });
  assert.deepEqual(stats.meanByKey(), {
    "5_low": { mean: 100, count: 3 },
    "10_medium": { mean: 180, count: 1 },
  });
  assert.deepEqual(new ProcessingStats().meanByKey(), {});
});

Deno.test("ProcessingStats.meanOverall() averages all kept times", () => {
  const stats = ProcessingStats.fromJSON({ times: range(20) });
  assert.equal(stats.meanOverall(), 10.5);
  assert.equal(new ProcessingStats().meanOverall(), undefined);
});

Deno.test("loadProcessingStats() gives empty stats for a missing file", async () => {
  const { stats, warning } = await loadProcessingStats(
    "stats.json",
    new MemoryFiles(),
  );
  assert.equal(stats.count(), 0);
  assert.equal(warning, undefined);
});

Deno.test("loadProcessingStats() reads both file formats", async () => {
  const files = new MemoryFiles();
  files.files.set(
    "new.json",
    '{"times":[5],"times_by_settings":{"5_low":[5]}}',
  );
  files.files.set("old.json", '{"completion_times":[7,9]}');
  const loadedNew = await loadProcessingStats("new.json", files);
  const loadedOld = await loadProcessingStats("old.json", files);
  assert.equal(loadedNew.warning, undefined);
  assert.equal(loadedNew.stats.predictSeconds("5_low"), 5);
  assert.equal(loadedOld.warning, undefined);
  assert.deepEqual(loadedOld.stats.toJSON().times, [7, 9]);
});

Deno.test("loadProcessingStats() tolerates a byte order mark", async () => {
  const files = new MemoryFiles();
  files.files.set("s.json", '\uFEFF{"times":[3]}');
  const { stats, warning } = await loadProcessingStats("s.json", files);
  assert.equal(warning, undefined);
  assert.equal(stats.count(), 1);
});

Deno.test("loadProcessingStats() warns and starts empty on corrupt JSON", async () => {
  const files = new MemoryFiles();
  files.files.set("s.json", '{"times": [1, 2');
  const { stats, warning } = await loadProcessingStats("s.json", files);
  assert.equal(stats.count(), 0);
  assert.match(warning ?? "", /s\.json is corrupt/);
});

Deno.test("loadProcessingStats() warns when the JSON is not an object", async () => {
  const files = new MemoryFiles();
  files.files.set("s.json", "[120, 130]");
  const { stats, warning } = await loadProcessingStats("s.json", files);
  assert.equal(stats.count(), 0);
  assert.match(warning ?? "", /corrupt/);
});

Deno.test("loadProcessingStats() wraps read failures in StatsFileError", async () => {
  const err = await loadProcessingStats("s.json", brokenFiles).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(err instanceof StatsFileError);
  assert.equal(err.name, "StatsFileError");
  assert.equal(err.path, "s.json");
  assert.ok(err.cause instanceof Deno.errors.PermissionDenied);
});

Deno.test("saveProcessingStats() writes indented JSON in the old format", async () => {
  const files = new MemoryFiles();
  const stats = new ProcessingStats();
  stats.record("5_low", 95);
  await saveProcessingStats("s.json", stats, files);
  assert.deepEqual(files.writes, ["s.json"]);
  assert.equal(
    files.files.get("s.json"),
    [
      "{",
      '  "times": [',
      "    95",
      "  ],",
      '  "times_by_settings": {',
      '    "5_low": [',
      "      95",
      "    ]",
      "  }",
      "}",
    ].join("\n"),
  );
});

Deno.test("saveProcessingStats() output loads back to the same stats", async () => {
  const files = new MemoryFiles();
  const stats = ProcessingStats.fromJSON({
    times: [120.5, 99.3],
    "times_by_settings": { "5_low": [95, 100], "10_medium": [180, 175] },
  });
  await saveProcessingStats("s.json", stats, files);
  const { stats: loaded } = await loadProcessingStats("s.json", files);
  assert.deepEqual(loaded.toJSON(), stats.toJSON());
});

Deno.test("saveProcessingStats() wraps write failures in StatsFileError", async () => {
  await assert.rejects(
    saveProcessingStats("s.json", new ProcessingStats(), brokenFiles),
    (e: unknown) =>
      e instanceof StatsFileError && e.path === "s.json" &&
      e.cause instanceof Deno.errors.PermissionDenied,
  );
});

Deno.test("denoTextFiles round-trips stats on disk and leaves no temp files", async () => {
  const dir = await Deno.makeTempDir({ prefix: "processing_stats_test_" });
  try {
    const path = `${dir}/processing_stats.json`;
    assert.equal(await denoTextFiles.readText(path), undefined);

    const stats = new ProcessingStats();
    stats.record("10_medium", 180);
    await saveProcessingStats(path, stats);
    stats.record("10_medium", 170);
    await saveProcessingStats(path, stats);

    const names: string[] = [];
    for await (const entry of Deno.readDir(dir)) names.push(entry.name);
    assert.deepEqual(names, ["processing_stats.json"]);

    const { stats: loaded, warning } = await loadProcessingStats(path);
    assert.equal(warning, undefined);
    assert.deepEqual(loaded.toJSON(), {
      times: [180, 170],
      "times_by_settings": { "10_medium": [180, 170] },
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("denoTextFiles.writeTextAtomic() cleans up its temp file on failure", async () => {
  const dir = await Deno.makeTempDir({ prefix: "processing_stats_test_" });
  try {
    // Renaming a file over a non-empty directory fails after the temp file
    // has been written, which is the case that must not leave debris.
    const target = `${dir}/target`;
    await Deno.mkdir(target);
    await Deno.writeTextFile(`${target}/keep`, "x");
    await assert.rejects(denoTextFiles.writeTextAtomic(target, "{}"));
    const names: string[] = [];
    for await (const entry of Deno.readDir(dir)) names.push(entry.name);
    assert.deepEqual(names, ["target"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("denoTextFiles.readText() rethrows errors other than NotFound", async () => {
  const dir = await Deno.makeTempDir({ prefix: "processing_stats_test_" });
  try {
    // Reading a directory as text fails with something other than NotFound.
    await assert.rejects(denoTextFiles.readText(dir));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("reload(): a standby taking over keeps what the active one recorded since it started", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lora-stats-" });
  const path = `${dir}/processing_stats.json`;
  try {
    const active = await openTimeBook(path, silentLogger);
    const standby = await openTimeBook(path, silentLogger);
    await active.record("5_medium", 100);
    await standby.reload();
    await standby.record("5_medium", 200);
    const saved = JSON.parse(await Deno.readTextFile(path));
    assert.deepEqual(saved.times_by_settings["5_medium"], [100, 200]);
    assert.equal(standby.predictSeconds("5_medium"), 150);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

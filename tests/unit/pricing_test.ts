import assert from "node:assert/strict";
import {
  DURATIONS,
  parseDuration,
  parseQuality,
  priceOf,
  PricingError,
  QUALITIES,
  QUALITY_NAMES,
  QUICK_SETTINGS,
  settingsKey,
  videosAffordable,
} from "../../lib/pricing.ts";

Deno.test("DURATIONS are 5, 10 and 15 seconds", () => {
  assert.deepEqual([...DURATIONS], [5, 10, 15]);
});

Deno.test("QUALITIES map to the old bot's resolutions", () => {
  assert.deepEqual({ ...QUALITIES }, { low: 300, medium: 600, high: 832 });
});

Deno.test("QUALITY_NAMES lists qualities from low to high", () => {
  assert.deepEqual([...QUALITY_NAMES], ["low", "medium", "high"]);
});

Deno.test("QUICK_SETTINGS is 10 seconds at medium quality", () => {
  assert.deepEqual({ ...QUICK_SETTINGS }, { duration: 10, quality: "medium" });
});

Deno.test("priceOf() matches the old bot with the default 10 per video", () => {
  assert.equal(priceOf(5, 10), 5);
  assert.equal(priceOf(10, 10), 10);
  assert.equal(priceOf(15, 10), 15);
});

Deno.test("priceOf() scales with tokensPerVideo", () => {
  assert.equal(priceOf(10, 20), 20);
  assert.equal(priceOf(15, 20), 30);
});

Deno.test("priceOf() rounds up fractional costs", () => {
  assert.equal(priceOf(5, 5), 3);
  assert.equal(priceOf(15, 5), 8);
  assert.equal(priceOf(5, 1), 1);
});

Deno.test("priceOf() is zero when videos are free", () => {
  assert.equal(priceOf(15, 0), 0);
});

Deno.test("priceOf() rejects a negative, fractional or non-finite rate", () => {
  for (const bad of [-1, 2.5, Number.NaN, Number.POSITIVE_INFINITY]) {
    assert.throws(() => priceOf(10, bad), PricingError, String(bad));
  }
});

Deno.test("priceOf() rejects a duration outside DURATIONS", () => {
  assert.throws(() => priceOf(7 as 5, 10), PricingError);
  assert.throws(() => priceOf("10" as unknown as 10, 10), PricingError);
});

Deno.test("PricingError has its name set", () => {
  assert.equal(new PricingError("x").name, "PricingError");
});

Deno.test("settingsKey() uses the old bot's duration_quality format", () => {
  assert.equal(settingsKey({ duration: 10, quality: "medium" }), "10_medium");
  assert.equal(settingsKey({ duration: 5, quality: "low" }), "5_low");
  assert.equal(settingsKey({ duration: 15, quality: "high" }), "15_high");
});

Deno.test("parseDuration() accepts exact numbers and numeric strings", () => {
  for (const d of [5, 10, 15] as const) {
    assert.equal(parseDuration(d), d);
    assert.equal(parseDuration(String(d)), d);
  }
});

Deno.test("parseDuration() rejects anything not exactly a duration", () => {
  const hostile: unknown[] = [
    0,
    7,
    -5,
    10.5,
    Number.NaN,
    "05",
    " 10",
    "10 ",
    "10.0",
    "1e1",
    "0x0a",
    "",
    "ten",
    null,
    undefined,
    [10],
    { valueOf: () => 10 },
    new Number(10),
    10n,
    true,
  ];
  for (const x of hostile) {
    assert.equal(parseDuration(x), undefined, `accepted ${String(x)}`);
  }
});

Deno.test("parseQuality() accepts exact quality names", () => {
  assert.equal(parseQuality("low"), "low");
  assert.equal(parseQuality("medium"), "medium");
  assert.equal(parseQuality("high"), "high");
});

Deno.test("parseQuality() rejects near misses and prototype keys", () => {
  const hostile: unknown[] = [
    "LOW",
    "Medium",
    " high",
    "high ",
    "ultra",
    "",
    "toString",
    "__proto__",
    "constructor",
    "hasOwnProperty",
    300,
    null,
    undefined,
    ["low"],
    new String("low"),
  ];
  for (const x of hostile) {
    assert.equal(parseQuality(x), undefined, `accepted ${String(x)}`);
  }
});

Deno.test("videosAffordable() divides the balance by the price, rounding down", () => {
  assert.equal(videosAffordable(100, 10, 10), 10);
  assert.equal(videosAffordable(100, 15, 10), 6);
  assert.equal(videosAffordable(100, 5, 10), 20);
  assert.equal(videosAffordable(14, 10, 10), 1);
  assert.equal(videosAffordable(9, 10, 10), 0);
});

Deno.test("videosAffordable() uses the rounded-up price", () => {
  // 5 s at 5 per video costs 3, so 10 tokens buy 3 videos, not 4.
  assert.equal(videosAffordable(10, 5, 5), 3);
});

Deno.test("videosAffordable() is 0 for an empty, negative or NaN balance", () => {
  assert.equal(videosAffordable(0, 10, 10), 0);
  assert.equal(videosAffordable(-20, 10, 10), 0);
  assert.equal(videosAffordable(Number.NaN, 10, 10), 0);
});

Deno.test("videosAffordable() is unlimited when videos are free", () => {
  assert.equal(videosAffordable(0, 10, 0), Number.POSITIVE_INFINITY);
  assert.equal(videosAffordable(-1, 10, 0), 0);
});

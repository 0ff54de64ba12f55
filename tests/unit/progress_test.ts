import assert from "node:assert/strict";
import {
  blendProgress,
  estimateProgress,
  formatClock,
  MAX_PENDING_PERCENT,
  renderBar,
  SPINNER,
  spinnerFrame,
} from "../../lib/progress.ts";

Deno.test("SPINNER has the old bot's ten braille frames", () => {
  assert.equal(SPINNER, "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏");
  assert.equal(Array.from(SPINNER).length, 10);
});

Deno.test("spinnerFrame() steps through the frames in order", () => {
  const frames = Array.from({ length: 10 }, (_, i) => spinnerFrame(i));
  assert.equal(frames.join(""), SPINNER);
});

Deno.test("spinnerFrame() wraps around", () => {
  assert.equal(spinnerFrame(10), "⠋");
  assert.equal(spinnerFrame(13), "⠸");
  assert.equal(spinnerFrame(1_000_001), "⠙");
});

Deno.test("spinnerFrame() handles negative, fractional and NaN ticks", () => {
  assert.equal(spinnerFrame(-1), "⠏");
  assert.equal(spinnerFrame(-10), "⠋");
  assert.equal(spinnerFrame(2.7), "⠹");
  assert.equal(spinnerFrame(Number.NaN), "⠋");
  assert.equal(spinnerFrame(Number.POSITIVE_INFINITY), "⠋");
});

Deno.test("renderBar() fills one cell per 10 percent", () => {
  assert.equal(renderBar(0), "[░░░░░░░░░░]");
  assert.equal(renderBar(30), "[▓▓▓░░░░░░░]");
  assert.equal(renderBar(39), "[▓▓▓░░░░░░░]");
  assert.equal(renderBar(100), "[▓▓▓▓▓▓▓▓▓▓]");
});

Deno.test("renderBar() never shows a full bar at 95 percent", () => {
  assert.equal(renderBar(95), "[▓▓▓▓▓▓▓▓▓░]");
  assert.equal(renderBar(99.9), "[▓▓▓▓▓▓▓▓▓░]");
});

Deno.test("renderBar() clamps out-of-range and NaN percents", () => {
  assert.equal(renderBar(-20), "[░░░░░░░░░░]");
  assert.equal(renderBar(250), "[▓▓▓▓▓▓▓▓▓▓]");
  assert.equal(renderBar(Number.NaN), "[░░░░░░░░░░]");
});

Deno.test("renderBar() honours a custom cell count", () => {
  assert.equal(renderBar(50, 8), "[▓▓▓▓░░░░]");
  assert.equal(renderBar(95, 20), "[▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓░]");
});

Deno.test("renderBar() rejects a non-positive or fractional cell count", () => {
  for (const bad of [0, -3, 2.5, Number.NaN]) {
    assert.throws(() => renderBar(50, bad), RangeError);
  }
});

Deno.test("estimateProgress() reports whole percent and seconds left", () => {
  assert.deepEqual(estimateProgress(30_000, 120_000), {
    percent: 25,
    remainingSeconds: 90,
    overdue: false,
  });
  assert.deepEqual(estimateProgress(0, 120_000), {
    percent: 0,
    remainingSeconds: 120,
    overdue: false,
  });
});

Deno.test("estimateProgress() rounds percent down and seconds left up", () => {
  const p = estimateProgress(10_500, 60_000);
  assert.equal(p.percent, 17);
  assert.equal(p.remainingSeconds, 50);
  assert.ok(Number.isInteger(p.percent));
});

Deno.test("estimateProgress() caps percent at 95 until done", () => {
  assert.equal(MAX_PENDING_PERCENT, 95);
  assert.equal(estimateProgress(114_000, 120_000).percent, 95);
  assert.equal(estimateProgress(119_999, 120_000).percent, 95);
  assert.equal(estimateProgress(120_000, 120_000).percent, 95);
  assert.equal(estimateProgress(500_000, 120_000).percent, 95);
  assert.equal(estimateProgress(112_000, 120_000).percent, 93);
});

Deno.test("estimateProgress() is not overdue exactly at the prediction", () => {
  assert.deepEqual(estimateProgress(120_000, 120_000), {
    percent: 95,
    remainingSeconds: 0,
    overdue: false,
  });
});

Deno.test("estimateProgress() flags overdue once the prediction is exceeded", () => {
  assert.deepEqual(estimateProgress(120_001, 120_000), {
    percent: 95,
    remainingSeconds: 0,
    overdue: true,
  });
  assert.deepEqual(estimateProgress(600_000, 120_000), {
    percent: 95,
    remainingSeconds: 0,
    overdue: true,
  });
});

Deno.test("estimateProgress() treats negative or NaN elapsed as zero", () => {
  const start = { percent: 0, remainingSeconds: 60, overdue: false };
  assert.deepEqual(estimateProgress(-5_000, 60_000), start);
  assert.deepEqual(estimateProgress(Number.NaN, 60_000), start);
});

Deno.test("estimateProgress() falls back to 120 s for a broken prediction", () => {
  for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
    assert.deepEqual(
      estimateProgress(30_000, bad),
      { percent: 25, remainingSeconds: 90, overdue: false },
      `prediction ${bad}`,
    );
  }
});

Deno.test("formatClock() shows minutes and zero-padded seconds", () => {
  assert.equal(formatClock(0), "0:00");
  assert.equal(formatClock(45), "0:45");
  assert.equal(formatClock(125), "2:05");
  assert.equal(formatClock(600), "10:00");
  assert.equal(formatClock(3599), "59:59");
});

Deno.test("formatClock() adds hours past 59:59", () => {
  assert.equal(formatClock(3600), "1:00:00");
  assert.equal(formatClock(3723), "1:02:03");
  assert.equal(formatClock(36_000 + 61), "10:01:01");
});

Deno.test("formatClock() drops fractions and shows 0:00 for invalid input", () => {
  assert.equal(formatClock(45.9), "0:45");
  assert.equal(formatClock(-30), "0:00");
  assert.equal(formatClock(Number.NaN), "0:00");
  assert.equal(formatClock(Number.POSITIVE_INFINITY), "0:00");
});

Deno.test("blendProgress() shows the server's steps, not the clock", () => {
  // A quarter done after 30 s of rendering; the history predicted 200 s.
  const estimate = blendProgress(30_000, 200_000, {
    fraction: 0.25,
    runningMs: 30_000,
  });
  assert.equal(estimate.percent, 25);
  // Observed: 90 s left; predicted: 170 s; weight 0.375 on the observation.
  assert.equal(estimate.remainingSeconds, Math.ceil(0.375 * 90 + 0.625 * 170));
  assert.equal(estimate.overdue, false);
});

Deno.test("blendProgress() trusts the observed rate late in the render", () => {
  const estimate = blendProgress(500_000, 120_000, {
    fraction: 0.9,
    runningMs: 90_000,
  });
  assert.equal(estimate.percent, 90);
  assert.equal(estimate.remainingSeconds, 10);
  assert.equal(blendProgress(1, 1, { fraction: 1, runningMs: 5 }).percent, 99);
});

Deno.test("blendProgress() falls back to time before any step is seen", () => {
  assert.deepEqual(
    blendProgress(60_000, 120_000, { fraction: 0, runningMs: 0 }),
    estimateProgress(60_000, 120_000),
  );
  assert.deepEqual(
    blendProgress(60_000, 120_000, { fraction: Number.NaN, runningMs: 10 }),
    estimateProgress(60_000, 120_000),
  );
});

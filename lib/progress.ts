import { DEFAULT_PREDICTION_SECONDS } from "./stats/mod.ts";

/** Spinner frames shown in the live progress message, one per update. */
export const SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏";

/** Highest percent shown before the video is actually done. */
export const MAX_PENDING_PERCENT = 95;

const SPINNER_FRAMES: readonly string[] = Array.from(SPINNER);

/** Spinner frame for the given update count; wraps and never throws. */
export function spinnerFrame(tick: number): string {
  const n = SPINNER_FRAMES.length;
  const t = Number.isFinite(tick) ? Math.floor(tick) : 0;
  return SPINNER_FRAMES[((t % n) + n) % n] ?? "";
}

/** Text progress bar such as "[▓▓▓░░░░░░░]"; only 100 % fills every cell. */
export function renderBar(percent: number, cells = 10): string {
  if (!Number.isSafeInteger(cells) || cells < 1) {
    throw new RangeError(`cells must be a positive integer, got ${cells}`);
  }
  const p = Number.isNaN(percent) ? 0 : Math.min(100, Math.max(0, percent));
  // Floor, not round, so the capped 95 % never looks finished.
  const filled = Math.floor((p / 100) * cells);
  return `[${"▓".repeat(filled)}${"░".repeat(cells - filled)}]`;
}

/** What the progress message shows at one moment. */
export interface ProgressEstimate {
  /** Whole percent, 0–95. */
  percent: number;
  /** Whole seconds left by the prediction, never negative. */
  remainingSeconds: number;
  /** True once the prediction has been exceeded. */
  overdue: boolean;
}

/** Progress from elapsed and predicted time; caps at 95 % until done. */
export function estimateProgress(
  elapsedMs: number,
  predictedMs: number,
): ProgressEstimate {
  // A broken prediction must not freeze the bar at 0 % or divide by zero.
  const predicted = Number.isFinite(predictedMs) && predictedMs > 0
    ? predictedMs
    : DEFAULT_PREDICTION_SECONDS * 1000;
  const elapsed = Number.isNaN(elapsedMs) ? 0 : Math.max(0, elapsedMs);
  const percent = Math.min(
    MAX_PENDING_PERCENT,
    Math.floor((elapsed / predicted) * 100),
  );
  const remainingSeconds = Math.max(0, Math.ceil((predicted - elapsed) / 1000));
  return { percent, remainingSeconds, overdue: elapsed > predicted };
}

/** Progress reported by the render server (the sampler's steps). */
export interface ObservedProgress {
  /** Share of the work done, 0–1, weighted over the workflow's samplers. */
  readonly fraction: number;
  /** Milliseconds the render has been running (not waiting in a queue). */
  readonly runningMs: number;
}

/**
 * Progress when the server reports real steps: the bar shows them (up to
 * 99 % until the video is there), and the time left blends the rate seen
 * so far with the history-based prediction, trusting the observation more
 * the further the render has got.
 */
export function blendProgress(
  elapsedMs: number,
  predictedMs: number,
  observed: ObservedProgress,
): ProgressEstimate {
  const byTime = estimateProgress(elapsedMs, predictedMs);
  const fraction = Math.min(1, Math.max(0, observed.fraction || 0));
  if (fraction <= 0 || observed.runningMs <= 0) return byTime;
  const seen = (observed.runningMs * (1 - fraction)) / fraction / 1000;
  const weight = Math.min(1, fraction * 1.5);
  const remaining = weight * seen + (1 - weight) * byTime.remainingSeconds;
  return {
    percent: Math.min(99, Math.floor(fraction * 100)),
    remainingSeconds: Math.max(0, Math.ceil(remaining)),
    overdue: false,
  };
}

/** Clock text "m:ss" or "h:mm:ss"; invalid or negative input shows "0:00". */
export function formatClock(seconds: number): string {
  const total = Number.isFinite(seconds) ? Math.max(0, Math.floor(seconds)) : 0;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const ss = String(total % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

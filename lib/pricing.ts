/** Allowed video lengths in seconds, as offered by the creation wizard. */
export const DURATIONS = [5, 10, 15] as const;

/** A video length in seconds that the bot can produce. */
export type Duration = typeof DURATIONS[number];

/** Output resolution in pixels for each quality level. */
export const QUALITIES = { low: 300, medium: 600, high: 832 } as const;

/** A quality level name. */
export type Quality = keyof typeof QUALITIES;

/** Quality level names from lowest to highest, for building keyboards. */
export const QUALITY_NAMES: readonly Quality[] = Object.freeze([
  "low",
  "medium",
  "high",
]);

/** The parameters a user picks for one video. */
export interface VideoSettings {
  duration: Duration;
  quality: Quality;
}

/** Settings used by quick mode and by a photo sent without the wizard. */
export const QUICK_SETTINGS: VideoSettings = Object.freeze({
  duration: 10,
  quality: "medium",
});

/** Thrown when a price is asked for with a configuration that makes no sense. */
export class PricingError extends Error {
  /** Builds the error with a human-readable reason. */
  constructor(message: string) {
    super(message);
    this.name = "PricingError";
  }
}

/** Token cost of one video: TOKENS_PER_VIDEO scaled by length, rounded up. */
export function priceOf(duration: Duration, tokensPerVideo: number): number {
  // A negative or fractional rate would let a charge credit tokens or round
  // unpredictably, so misconfiguration fails loudly instead of billing.
  if (!Number.isSafeInteger(tokensPerVideo) || tokensPerVideo < 0) {
    throw new PricingError(
      `tokensPerVideo must be a non-negative integer, got ${tokensPerVideo}`,
    );
  }
  // The type is only a compile-time promise; callers may pass parsed input.
  if (!(DURATIONS as readonly unknown[]).includes(duration)) {
    throw new PricingError(`unsupported duration: ${String(duration)}`);
  }
  // Integer product first so the division is the only rounding step.
  return Math.ceil((tokensPerVideo * duration) / 10);
}

/** Key under which processing times are grouped, e.g. "10_medium". */
export function settingsKey(s: VideoSettings): string {
  return `${s.duration}_${s.quality}`;
}

/** Parses a duration from callback data; only 5, 10, 15 or "5", "10", "15". */
export function parseDuration(x: unknown): Duration | undefined {
  for (const d of DURATIONS) {
    // Exact string match rejects "05", " 10", "1e1" and "10.0" alike.
    if (x === d || x === String(d)) return d;
  }
  return undefined;
}

/** Parses a quality name from callback data; only "low", "medium", "high". */
export function parseQuality(x: unknown): Quality | undefined {
  // A list lookup rather than `x in QUALITIES` so "toString" and friends
  // from the prototype chain are never accepted.
  return QUALITY_NAMES.find((q) => q === x);
}

/** How many videos of this length the balance pays for (Infinity if free). */
export function videosAffordable(
  balance: number,
  duration: Duration,
  tokensPerVideo: number,
): number {
  const price = priceOf(duration, tokensPerVideo);
  // Mirrors the charge check `balance >= price`, which NaN never passes.
  if (Number.isNaN(balance) || balance < 0) return 0;
  if (price === 0) return Number.POSITIVE_INFINITY;
  return Math.floor(balance / price);
}

/**
 * Aspect ratios a user can pick in the wizard: the photo's own (default,
 * and always in quick mode), 9:16 for stories, 1:1 for feeds, 16:9 for
 * landscape. The price does not depend on it.
 *
 * @module
 */

/** An aspect ratio choice; "photo" keeps the photo's. */
export type Aspect = "photo" | "9:16" | "1:1" | "16:9";

/** Every choice, in the wizard's order. */
export const ASPECTS: readonly Aspect[] = ["photo", "9:16", "1:1", "16:9"];

/** A stored or hostile value as an aspect; anything else: undefined. */
export function parseAspect(value: unknown): Aspect | undefined {
  return ASPECTS.find((a) => a === value);
}

const RATIOS: Record<Exclude<Aspect, "photo">, [number, number]> = {
  "9:16": [9, 16],
  "1:1": [1, 1],
  "16:9": [16, 9],
};

/**
 * The output size for a long side of `longSide` px: the photo's proportions
 * for "photo", else the chosen ratio; both sides even, as video encoders
 * want, and a multiple of 16 where the workflow's latent grid needs it.
 */
export function aspectSize(
  aspect: Aspect,
  photo: { width: number; height: number },
  longSide: number,
  multiple = 16,
): { width: number; height: number } {
  const [w, h] = aspect === "photo"
    ? [photo.width, photo.height]
    : RATIOS[aspect];
  const scale = longSide / Math.max(w, h);
  const snap = (n: number) =>
    Math.max(multiple, Math.round(n / multiple) * multiple);
  return { width: snap(w * scale), height: snap(h * scale) };
}

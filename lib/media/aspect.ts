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
 * The proportions a video is made in: the photo's for "photo", else the
 * chosen ratio's (as a width and height to scale, e.g. 9 x 16).
 */
export function aspectFrame(
  aspect: Aspect,
  photo: { readonly width: number; readonly height: number },
): { width: number; height: number } {
  if (aspect === "photo") return { width: photo.width, height: photo.height };
  const [width, height] = RATIOS[aspect];
  return { width, height };
}

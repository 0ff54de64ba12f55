/**
 * The motion prompt a user gives (a photo's caption, typed text): cleaned
 * before it is stored, so what reaches the workflow is one line of plain
 * text of bounded length.
 *
 * @module
 */

/** The longest prompt kept, in characters; longer text is cut. */
export const MAX_PROMPT_CHARS = 500;

// Control and format characters (C0/C1, bidi overrides, zero-width,
// BOM): invisible in Telegram, but they would reach the text encoder and
// the captions.
const CONTROL = /[\p{Cc}\p{Cf}]/gu;

/**
 * A cleaned prompt: control characters become spaces, runs of whitespace
 * one space, cut to {@link MAX_PROMPT_CHARS} (whole characters, never half
 * a surrogate pair). Undefined when nothing is left.
 */
export function cleanPrompt(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const flat = text.replace(CONTROL, " ").replace(/\s+/g, " ").trim();
  const chars = Array.from(flat);
  const cut = chars.length > MAX_PROMPT_CHARS
    ? chars.slice(0, MAX_PROMPT_CHARS).join("").trimEnd()
    : flat;
  return cut === "" ? undefined : cut;
}

/** A prompt shortened for a button or a list line (with "…"). */
export function shortPrompt(prompt: string, max = 60): string {
  const chars = Array.from(prompt);
  return chars.length <= max
    ? prompt
    : `${chars.slice(0, max - 1).join("").trimEnd()}…`;
}

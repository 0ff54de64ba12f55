/**
 * Motion prompts: cleaning what the user typed and the style presets the
 * wizard offers.
 *
 * @module
 */

export { cleanPrompt, MAX_PROMPT_CHARS, shortPrompt } from "./prompt.ts";
export {
  parsePresetId,
  PRESET_IDS,
  type PresetId,
  presetPrompt,
  PRESETS,
  type PresetText,
} from "./presets.ts";

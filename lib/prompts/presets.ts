/**
 * Style presets: motion prompts that work well with image-to-video models
 * (Wan 2.x, LTX-Video), each written in both languages. The user's
 * language decides which text goes to the workflow; Wan's umT5 encoder
 * reads Russian as well as English.
 *
 * @module
 */

/** The preset ids, in the order the wizard shows them. */
export const PRESET_IDS = [
  "smile",
  "wind",
  "zoom",
  "orbit",
  "walk",
  "cinematic",
] as const;

/** A preset id. */
export type PresetId = typeof PRESET_IDS[number];

/** A preset's button label and prompt in one language. */
export interface PresetText {
  readonly label: string;
  readonly prompt: string;
}

/** Every preset in Russian and English. */
export const PRESETS: Readonly<
  Record<PresetId, { readonly ru: PresetText; readonly en: PresetText }>
> = {
  smile: {
    ru: {
      label: "😊 Улыбка",
      prompt:
        "человек мягко улыбается и слегка кивает, естественная мимика, моргание, камера неподвижна",
    },
    en: {
      label: "😊 Smile",
      prompt:
        "the person smiles softly and nods slightly, natural facial expression, blinking, static camera",
    },
  },
  wind: {
    ru: {
      label: "🌬 Ветер в волосах",
      prompt:
        "лёгкий ветер развевает волосы и одежду, плавное естественное движение, камера неподвижна",
    },
    en: {
      label: "🌬 Wind in the hair",
      prompt:
        "a gentle breeze blows through the hair and clothes, smooth natural motion, static camera",
    },
  },
  zoom: {
    ru: {
      label: "🔍 Медленный наезд",
      prompt:
        "камера медленно и плавно приближается к объекту, сцена почти неподвижна, кинематографичный наезд",
    },
    en: {
      label: "🔍 Slow zoom in",
      prompt:
        "the camera slowly and smoothly zooms in on the subject, the scene stays almost still, cinematic push-in",
    },
  },
  orbit: {
    ru: {
      label: "🔄 Облёт камерой",
      prompt:
        "камера плавно облетает объект по дуге, параллакс фона, объект остаётся в центре кадра",
    },
    en: {
      label: "🔄 Camera orbit",
      prompt:
        "the camera smoothly orbits around the subject in an arc, background parallax, the subject stays centered",
    },
  },
  walk: {
    ru: {
      label: "🚶 Шаг вперёд",
      prompt:
        "человек идёт вперёд к камере, естественная походка, камера плавно отъезжает назад",
    },
    en: {
      label: "🚶 Walk forward",
      prompt:
        "the person walks forward toward the camera, natural gait, the camera smoothly tracks backward",
    },
  },
  cinematic: {
    ru: {
      label: "🎞 Кинематографично",
      prompt:
        "кинематографичная сцена, мягкий свет, лёгкое движение камеры, малая глубина резкости, плавная анимация",
    },
    en: {
      label: "🎞 Cinematic",
      prompt:
        "cinematic scene, soft lighting, subtle camera movement, shallow depth of field, smooth animation",
    },
  },
};

/** Narrows a string to a preset id. */
export function parsePresetId(value: unknown): PresetId | undefined {
  return PRESET_IDS.find((id) => id === value);
}

/** The prompt of a preset in a language ("ru" for anything but "en"). */
export function presetPrompt(id: PresetId, locale: string): string {
  return PRESETS[id][locale === "en" ? "en" : "ru"].prompt;
}

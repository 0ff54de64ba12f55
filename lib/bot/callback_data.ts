/**
 * Callback data of inline buttons. Telegram hands it back verbatim from any
 * client, so it is parsed strictly: anything not produced by
 * {@link encodeCallback} is rejected, and nothing here throws.
 *
 * | kind   | data                          | example                       |
 * | ------ | ----------------------------- | ----------------------------- |
 * | menu   | `m:<action>`                  | `m:balance`                   |
 * | wizard | `w:<nonce>:<button>`          | `w:k3x9a0qz:d:10`, `w:…:p:wind` |
 * | job    | `j:<c|r|g>:<jobId>`           | `j:c:telegram_42_1729545678123` |
 * | users  | `u:<page>`                    | `u:2`                         |
 * | lang   | `l:<locale>`                  | `l:en`                        |
 * | pack   | `p:<tokens>`                  | `p:200`                       |
 * | invite | `i:show`                      | `i:show`                      |
 * | refund | `rf:<payment row id>`         | `rf:17`                       |
 *
 * @module
 */

import type { Locale } from "../i18n/mod.ts";
import { parseDuration, parseQuality } from "../pricing.ts";
import { parsePresetId } from "../prompts/mod.ts";
import type { WizardButton } from "../wizard/mod.ts";
import { type Aspect, ASPECTS } from "../media/mod.ts";

/** The screens and actions a menu button can ask for. */
export const MENU_ACTIONS = [
  "menu",
  "create",
  "quick",
  "balance",
  "stats",
  "help",
  "videos",
] as const;

/** A menu action. */
export type MenuAction = typeof MENU_ACTIONS[number];

/** Parsed callback data. */
export type Callback =
  | { readonly kind: "menu"; readonly action: MenuAction }
  | {
    readonly kind: "wizard";
    readonly nonce: string;
    readonly button: WizardButton;
  }
  | { readonly kind: "job"; readonly action: JobAction; readonly jobId: string }
  | { readonly kind: "users"; readonly page: number }
  | { readonly kind: "lang"; readonly locale: Locale }
  | { readonly kind: "pack"; readonly tokens: number }
  | { readonly kind: "invite" }
  | { readonly kind: "refund"; readonly paymentId: number };

/**
 * What a button does to a job: cancel it, repeat it (a new, charged job
 * with the same photo, settings and prompt), get its video again.
 */
export type JobAction = "cancel" | "repeat" | "resend";

const JOB_ACTION_CODES: Readonly<Record<JobAction, string>> = {
  cancel: "c",
  repeat: "r",
  resend: "g",
};

/** Telegram's limit for callback_data, in bytes. */
export const CALLBACK_DATA_MAX_BYTES = 64;

/** Job ids as the runner makes them: `telegram_<user>_<ms>`. */
export const JOB_ID_PATTERN = /^telegram_[1-9]\d{0,19}_\d{1,16}$/;

/** Wizard nonces, as `randomNonce()` of lib/wizard makes them. */
export const NONCE_PATTERN = /^[a-z0-9]{8}$/;

/** The highest page number of the admin's user list a button may carry. */
export const MAX_PAGE = 99_999;

function encodeWizardButton(button: WizardButton): string {
  switch (button.type) {
    case "duration":
      return `d:${button.duration}`;
    case "quality":
      return `q:${button.quality}`;
    case "preset":
      return `p:${button.preset}`;
    case "auto":
      return "auto";
    case "back":
      return "back";
    case "cancel":
      return "x";
    case "confirm":
      return "ok";
    case "aspect":
      return `a:${ASPECT_CODES[button.aspect]}`;
  }
}

// Aspect ratios in callback data (":" separates the fields).
const ASPECT_CODES: Record<Aspect, string> = {
  photo: "ph",
  "9:16": "916",
  "1:1": "11",
  "16:9": "169",
};

/** Encodes a callback for an inline button. */
export function encodeCallback(callback: Callback): string {
  switch (callback.kind) {
    case "menu":
      return `m:${callback.action}`;
    case "wizard":
      return `w:${callback.nonce}:${encodeWizardButton(callback.button)}`;
    case "job":
      return `j:${JOB_ACTION_CODES[callback.action]}:${callback.jobId}`;
    case "users":
      return `u:${callback.page}`;
    case "lang":
      return `l:${callback.locale}`;
    case "pack":
      return `p:${callback.tokens}`;
    case "invite":
      return "i:show";
    case "refund":
      return `rf:${callback.paymentId}`;
  }
}

function parseWizardButton(text: string): WizardButton | undefined {
  if (text === "back") return { type: "back" };
  if (text === "auto") return { type: "auto" };
  if (text === "x") return { type: "cancel" };
  if (text === "ok") return { type: "confirm" };
  const [field, value, extra] = text.split(":");
  if (extra !== undefined) return undefined;
  if (field === "d") {
    const duration = parseDuration(value);
    return duration === undefined ? undefined : { type: "duration", duration };
  }
  if (field === "p") {
    const preset = parsePresetId(value);
    return preset === undefined ? undefined : { type: "preset", preset };
  }
  if (field === "q") {
    const quality = parseQuality(value);
    return quality === undefined ? undefined : { type: "quality", quality };
  }
  if (field === "a") {
    const aspect = ASPECTS.find((a) => ASPECT_CODES[a] === value);
    return aspect === undefined ? undefined : { type: "aspect", aspect };
  }
  return undefined;
}

/** Parses callback data, or returns undefined for anything unknown. */
export function parseCallback(data: unknown): Callback | undefined {
  if (typeof data !== "string" || data.length > CALLBACK_DATA_MAX_BYTES) {
    return undefined;
  }
  const colon = data.indexOf(":");
  const prefix = data.slice(0, colon);
  const rest = data.slice(colon + 1);
  switch (colon === -1 ? "" : prefix) {
    case "m": {
      const action = MENU_ACTIONS.find((a) => a === rest);
      return action === undefined ? undefined : { kind: "menu", action };
    }
    case "w": {
      const nonce = rest.slice(0, 8);
      const button = rest[8] === ":"
        ? parseWizardButton(rest.slice(9))
        : undefined;
      return button === undefined || !NONCE_PATTERN.test(nonce)
        ? undefined
        : { kind: "wizard", nonce, button };
    }
    case "j": {
      const action = (Object.keys(JOB_ACTION_CODES) as JobAction[]).find(
        (a) => rest.startsWith(`${JOB_ACTION_CODES[a]}:`),
      );
      const jobId = rest.slice(2);
      return action !== undefined && JOB_ID_PATTERN.test(jobId)
        ? { kind: "job", action, jobId }
        : undefined;
    }
    case "u": {
      if (!/^(0|[1-9]\d{0,4})$/.test(rest)) return undefined;
      return { kind: "users", page: Number(rest) };
    }
    case "l":
      return rest === "ru" || rest === "en"
        ? { kind: "lang", locale: rest }
        : undefined;
    case "p":
      return /^[1-9]\d{0,8}$/.test(rest)
        ? { kind: "pack", tokens: Number(rest) }
        : undefined;
    case "i":
      return rest === "show" ? { kind: "invite" } : undefined;
    case "rf":
      return /^[1-9]\d{0,14}$/.test(rest)
        ? { kind: "refund", paymentId: Number(rest) }
        : undefined;
    default:
      return undefined;
  }
}

/**
 * Callback data of inline buttons. Telegram hands it back verbatim from any
 * client, so it is parsed strictly: anything not produced by
 * {@link encodeCallback} is rejected.
 *
 * @module
 */

/** The screens and actions a button can ask for. */
export const MENU_ACTIONS = [
  "menu",
  "create",
  "quick",
  "balance",
  "stats",
  "help",
] as const;

/** A menu action. */
export type MenuAction = typeof MENU_ACTIONS[number];

/** Parsed callback data. */
export type Callback = { readonly kind: "menu"; readonly action: MenuAction };

/** Telegram's limit for callback_data. */
export const CALLBACK_DATA_MAX_BYTES = 64;

/** Encodes a callback for an inline button. */
export function encodeCallback(callback: Callback): string {
  return `m:${callback.action}`;
}

/** Parses callback data, or returns undefined for anything unknown. */
export function parseCallback(data: unknown): Callback | undefined {
  if (typeof data !== "string" || data.length > CALLBACK_DATA_MAX_BYTES) {
    return undefined;
  }
  const match = /^m:([a-z]+)$/.exec(data);
  const action = MENU_ACTIONS.find((a) => a === match?.[1]);
  return action === undefined ? undefined : { kind: "menu", action };
}

/**
 * Arguments of the admin commands. What follows a command is typed by a
 * person (or forged by anyone), so each parser accepts exactly one shape
 * and returns undefined for everything else.
 *
 * @module
 */

/** `/addtokens USER_ID AMOUNT`: a user and a non-zero signed amount. */
export function parseAddTokens(
  text: string,
): { userId: number; amount: number } | undefined {
  // The bounds keep both numbers safe integers.
  const match = /^(\d{1,15})\s+([+-]?\d{1,9})$/.exec(text.trim());
  if (match === null) return undefined;
  const userId = Number(match[1]);
  const amount = Number(match[2]);
  return userId > 0 && amount !== 0 ? { userId, amount } : undefined;
}

/** `/user USER_ID`. */
export function parseUserId(text: string): number | undefined {
  const arg = text.trim();
  if (!/^\d{1,15}$/.test(arg)) return undefined;
  const id = Number(arg);
  return id > 0 ? id : undefined;
}

/** `/grant_all AMOUNT`: a positive amount up to 9 999 999. */
export function parseGrantAmount(text: string): number | undefined {
  const match = /^([1-9]\d{0,6})$/.exec(text.trim());
  return match === null ? undefined : Number(match[1]);
}

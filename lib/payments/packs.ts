/**
 * Token packs sold for Telegram Stars (`TOKEN_PACKS=50:25,200:90`: tokens
 * for stars) and the invoice payload that names the buyer and the pack.
 *
 * @module
 */

/** A pack of tokens and its price in Telegram Stars (`XTR`). */
export interface TokenPack {
  readonly tokens: number;
  readonly stars: number;
}

/** What an invoice payload says: who may pay for which pack. */
export interface InvoicePayload {
  readonly userId: number;
  readonly tokens: number;
  readonly stars: number;
}

/** A `TOKEN_PACKS` value the bot cannot use. */
export class TokenPacksError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TokenPacksError";
  }
}

const PACK = /^([1-9]\d{0,8}):([1-9]\d{0,5})$/;
// Versioned, so a later payload format can tell old invoices apart.
const PAYLOAD = /^p1:([1-9]\d{0,15}):([1-9]\d{0,8}):([1-9]\d{0,5})$/;

/**
 * Parses `tokens:stars` pairs separated by commas; an empty value means no
 * packs (payments switched off).
 * @throws {TokenPacksError} on a malformed or repeated pack.
 */
export function parseTokenPacks(value: string | undefined): TokenPack[] {
  const text = value?.trim() ?? "";
  if (text === "") return [];
  const packs: TokenPack[] = [];
  for (const part of text.split(",")) {
    const match = PACK.exec(part.trim());
    if (match === null) {
      throw new TokenPacksError(
        `"${part.trim()}" is not a pack (write tokens:stars, e.g. 50:25)`,
      );
    }
    const pack = { tokens: Number(match[1]), stars: Number(match[2]) };
    if (packs.some((p) => p.tokens === pack.tokens)) {
      throw new TokenPacksError(`two packs of ${pack.tokens} tokens`);
    }
    packs.push(pack);
  }
  return packs;
}

/** The pack of `tokens` for `stars`, if it is on sale now. */
export function findPack(
  packs: readonly TokenPack[],
  wanted: { tokens: number; stars?: number },
): TokenPack | undefined {
  return packs.find((p) =>
    p.tokens === wanted.tokens &&
    (wanted.stars === undefined || p.stars === wanted.stars)
  );
}

/** The invoice payload for `userId` buying `pack` (at most 128 bytes). */
export function encodePayload(userId: number, pack: TokenPack): string {
  return `p1:${userId}:${pack.tokens}:${pack.stars}`;
}

/** Parses an invoice payload; undefined for anything the bot did not make. */
export function parsePayload(value: unknown): InvoicePayload | undefined {
  if (typeof value !== "string") return undefined;
  const match = PAYLOAD.exec(value);
  if (match === null) return undefined;
  return {
    userId: Number(match[1]),
    tokens: Number(match[2]),
    stars: Number(match[3]),
  };
}

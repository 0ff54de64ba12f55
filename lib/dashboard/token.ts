/**
 * Signed tokens of the dashboard: the one-time link an admin gets from
 * `/dashboard` (10 minutes) and the session cookie it turns into (12
 * hours). A token is `base64url(JSON payload).base64url(HMAC-SHA256)`;
 * anything that does not verify is refused with a {@link TokenError}.
 *
 * @module
 */

/** What a token is for: a link must never be accepted as a session. */
export type TokenKind = "link" | "session";

/** The signed content of a token. */
export interface TokenPayload {
  readonly kind: TokenKind;
  /** The admin's Telegram user id. */
  readonly admin: number;
  /** The admin's language when the link was made (`ru` or `en`). */
  readonly locale: string;
  /** Random, unique per token: a link's one-time key, a session's id. */
  readonly nonce: string;
  /** Expiry, in milliseconds since the epoch. */
  readonly expires: number;
}

/** Why a token was refused. */
export type TokenProblem = "malformed" | "forged" | "expired" | "reused";

/** A token was refused; the page shows 401 and nothing else. */
export class TokenError extends Error {
  /** What was wrong with it. */
  readonly problem: TokenProblem;

  constructor(problem: TokenProblem) {
    super(`Dashboard token refused (${problem})`);
    this.name = "TokenError";
    this.problem = problem;
  }
}

const encoder = new TextEncoder();

/** Encodes bytes as base64url without padding. */
export function base64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_")
    .replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(base64 + "=".repeat((4 - base64.length % 4) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** A fresh random nonce (128 bits). */
export function randomNonce(): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(16)));
}

/** Signs and verifies tokens with one HMAC key. */
export class TokenSigner {
  readonly #key: CryptoKey;

  /** `key`: an HMAC-SHA256 key able to sign and verify. */
  constructor(key: CryptoKey) {
    this.#key = key;
  }

  /** The token of a payload. */
  async sign(payload: TokenPayload): Promise<string> {
    const body = base64Url(encoder.encode(JSON.stringify(payload)));
    return `${body}.${await this.mac(body)}`;
  }

  /** The base64url HMAC of a text (also the CSRF token of a session). */
  async mac(text: string): Promise<string> {
    const signature = await crypto.subtle.sign(
      "HMAC",
      this.#key,
      encoder.encode(text),
    );
    return base64Url(new Uint8Array(signature));
  }

  /**
   * The payload of a token of `kind` that has not expired at `now`.
   *
   * @throws {TokenError} malformed, forged (bad signature or wrong kind)
   *   or expired.
   */
  async verify(token: string, kind: TokenKind, now: number): Promise<
    TokenPayload
  > {
    const [body, signature, extra] = token.split(".");
    if (!body || !signature || extra !== undefined) {
      throw new TokenError("malformed");
    }
    let given: Uint8Array<ArrayBuffer>;
    try {
      given = fromBase64Url(signature);
    } catch {
      throw new TokenError("malformed");
    }
    // crypto.subtle.verify compares in constant time.
    const ok = await crypto.subtle.verify(
      "HMAC",
      this.#key,
      given,
      encoder.encode(body),
    );
    if (!ok) throw new TokenError("forged");
    const payload = parsePayload(body);
    if (payload.kind !== kind) throw new TokenError("forged");
    if (now >= payload.expires) throw new TokenError("expired");
    return payload;
  }
}

function parsePayload(body: string): TokenPayload {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(fromBase64Url(body)));
  } catch {
    throw new TokenError("malformed");
  }
  const p = value as Partial<Record<keyof TokenPayload, unknown>>;
  if (
    typeof value !== "object" || value === null ||
    (p.kind !== "link" && p.kind !== "session") ||
    typeof p.admin !== "number" || typeof p.locale !== "string" ||
    typeof p.nonce !== "string" || typeof p.expires !== "number"
  ) {
    throw new TokenError("malformed");
  }
  return {
    kind: p.kind,
    admin: p.admin,
    locale: p.locale,
    nonce: p.nonce,
    expires: p.expires,
  };
}

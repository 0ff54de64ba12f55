/**
 * Who may see the dashboard: a one-time link (10 minutes) becomes a
 * session cookie (12 hours). Every request checks the cookie's signature,
 * its expiry and that its admin is still in ADMIN_USER_IDS; forms also
 * carry a CSRF token tied to the session.
 *
 * @module
 */

import type { Clock } from "../clock.ts";
import {
  randomNonce,
  TokenError,
  type TokenPayload,
  TokenSigner,
} from "./token.ts";
import { memoryUsedLinks, type UsedLinks } from "./used_links.ts";

/** How long a link from `/dashboard` can be opened. */
export const LINK_TTL_MS = 10 * 60_000;
/** How long a session lasts. */
export const SESSION_TTL_MS = 12 * 3_600_000;
/** The session cookie's name. */
export const SESSION_COOKIE = "lora_dash";

/** A signed-in admin. */
export interface Session {
  readonly admin: number;
  readonly locale: "ru" | "en";
  /** The session's token (the cookie value). */
  readonly token: string;
  /** The token forms must send back (`csrf` field). */
  readonly csrf: string;
  readonly expires: number;
}

/** Options of {@link DashboardAuth}. */
export interface DashboardAuthOptions {
  readonly key: CryptoKey;
  readonly clock: Clock;
  /** Whether a user id is (still) an admin. */
  readonly isAdmin: (userId: number) => boolean;
  /** Links already opened (default: in memory, forgotten by a restart). */
  readonly usedLinks?: UsedLinks;
}

/** Issues and checks links and sessions. */
export class DashboardAuth {
  readonly #signer: TokenSigner;
  readonly #o: DashboardAuthOptions;
  readonly #used: UsedLinks;

  constructor(options: DashboardAuthOptions) {
    this.#o = options;
    this.#signer = new TokenSigner(options.key);
    this.#used = options.usedLinks ?? memoryUsedLinks();
  }

  /** A one-time link token for an admin. */
  async link(admin: number, locale: string): Promise<string> {
    return await this.#signer.sign({
      kind: "link",
      admin,
      locale,
      nonce: randomNonce(),
      expires: this.#o.clock.now() + LINK_TTL_MS,
    });
  }

  /**
   * Opens a link: the session token, once per link.
   *
   * @throws {TokenError} for a forged, expired or reused link, or one of a
   *   user who is no longer an admin.
   */
  async open(linkToken: string): Promise<Session> {
    const now = this.#o.clock.now();
    const link = await this.#signer.verify(linkToken, "link", now);
    if (!this.#o.isAdmin(link.admin)) throw new TokenError("forged");
    if (!(await this.#used.claim(link.nonce, link.expires, now))) {
      throw new TokenError("reused");
    }
    const payload: TokenPayload = {
      kind: "session",
      admin: link.admin,
      locale: link.locale,
      nonce: randomNonce(),
      expires: now + SESSION_TTL_MS,
    };
    return await this.#session(await this.#signer.sign(payload), payload);
  }

  /** The session of a request's cookie, or undefined. */
  async session(request: Request): Promise<Session | undefined> {
    const token = cookie(request.headers.get("cookie"), SESSION_COOKIE);
    if (token === undefined) return undefined;
    try {
      const payload = await this.#signer.verify(
        token,
        "session",
        this.#o.clock.now(),
      );
      if (!this.#o.isAdmin(payload.admin)) return undefined;
      return await this.#session(token, payload);
    } catch (error) {
      if (error instanceof TokenError) return undefined;
      throw error;
    }
  }

  async #session(token: string, p: TokenPayload): Promise<Session> {
    return {
      admin: p.admin,
      locale: p.locale === "en" ? "en" : "ru",
      token,
      csrf: await this.#signer.mac(`csrf:${p.nonce}`),
      expires: p.expires,
    };
  }
}

/** The `Set-Cookie` value of a session. */
export function sessionCookie(session: Session, secure: boolean): string {
  const maxAge = Math.max(0, Math.floor(SESSION_TTL_MS / 1000));
  return `${SESSION_COOKIE}=${session.token}; Path=/dashboard; ` +
    `Max-Age=${maxAge}; HttpOnly; SameSite=Strict` +
    (secure ? "; Secure" : "");
}

function cookie(header: string | null, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return value.join("=");
  }
  return undefined;
}

/**
 * Masking secrets in any text that leaves the process: log lines, error
 * texts shown to admins (/backends, the dashboard) and CLI output. Two
 * layers: the configured secrets by value, and by shape every URL's user
 * info and query string (fetch errors carry the request URL in their
 * cause, and ComfyUI's `?token=` or a `user:password@` rides along).
 *
 * @module
 */

/** What replaces a secret. */
export const MASK = "<redacted>";

// A URL inside free text: stops at blanks, quotes, brackets and the
// backslash of a JSON escape.
const URL_IN_TEXT = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s"'<>()\\]*)/gi;

function maskUrl(scheme: string, rest: string): string {
  const end = rest.search(/[/?#]/);
  let authority = end < 0 ? rest : rest.slice(0, end);
  let tail = end < 0 ? "" : rest.slice(end);
  const at = authority.lastIndexOf("@");
  if (at >= 0) authority = `${MASK}@${authority.slice(at + 1)}`;
  const query = tail.indexOf("?");
  if (query >= 0) tail = `${tail.slice(0, query)}?${MASK}`;
  return scheme + authority + tail;
}

/** Masks the user info and the query string of every URL in `text`. */
export function maskUrls(text: string): string {
  return text.replace(
    URL_IN_TEXT,
    (_match, scheme: string, rest: string) => maskUrl(scheme, rest),
  );
}

/**
 * Replaces every occurrence of each secret (of 4 characters or more) in
 * `text`, then masks URLs' user info and query strings.
 */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.replaceAll(secret, MASK);
  }
  return maskUrls(out);
}

/** The settings that hold secrets (a subset of the configuration). */
export interface SecretSettings {
  readonly botToken?: string | undefined;
  readonly webhookSecret?: string | undefined;
  /** DATABASE_URL, whose password is a secret. */
  readonly databaseUrl?: string | undefined;
  readonly comfyuiServers?: readonly {
    readonly headers: Readonly<Record<string, string>>;
    readonly token: string | undefined;
  }[];
}

/**
 * Every secret of the configuration, in the forms it may be written: the
 * bot token and its part after the colon, the webhook secret, each
 * ComfyUI server's `token` and `auth` value (and the credential after its
 * scheme, e.g. after `Bearer `).
 */
export function secretsOf(settings: SecretSettings): string[] {
  const out: string[] = [];
  const token = settings.botToken;
  if (token) out.push(token, token.split(":")[1] ?? "");
  if (settings.webhookSecret) out.push(settings.webhookSecret);
  const password = settings.databaseUrl
    ? URL.parse(settings.databaseUrl)?.password
    : undefined;
  if (password) out.push(password, decodeURIComponent(password));
  for (const server of settings.comfyuiServers ?? []) {
    if (server.token) out.push(server.token);
    for (const value of Object.values(server.headers)) {
      out.push(value, value.replace(/^\S+\s+/, ""));
    }
  }
  // Longest first, so a secret containing another is masked whole.
  return [...new Set(out.filter((s) => s.length >= 4))]
    .sort((a, b) => b.length - a.length);
}

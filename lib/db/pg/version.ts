/**
 * The oldest PostgreSQL the bot runs on: 14, for `idle_session_timeout`,
 * which ends the leader's session when its instance hangs and so bounds a
 * takeover (lib/leader/connection.ts). On 13 the leader's connection would
 * be refused for that setting and no instance would ever become active, so
 * the bot says so at start and `lora-bot check` says so before.
 *
 * @module
 */

import type { Sql } from "postgres";

/** `server_version_num` of PostgreSQL 14.0. */
export const MIN_SERVER_VERSION = 140000;

/** The server is older than {@link MIN_SERVER_VERSION}. */
export class PgVersionError extends Error {
  /** The server's version, as it says it (`13.4`). */
  readonly version: string;

  constructor(version: string) {
    super(
      `PostgreSQL ${version} is too old: lora-bot needs 14 or later ` +
        "(idle_session_timeout bounds a takeover)",
    );
    this.name = "PgVersionError";
    this.version = version;
  }
}

/** The server's version: its number and its text. */
export async function serverVersion(
  sql: Sql,
): Promise<{ num: number; text: string }> {
  const [row] = await sql`SELECT current_setting('server_version_num') AS num,
    current_setting('server_version') AS text`;
  return { num: Number(row?.num), text: String(row?.text) };
}

/** Throws {@link PgVersionError} on a server older than 14. */
export async function requireServerVersion(sql: Sql): Promise<string> {
  const { num, text } = await serverVersion(sql);
  if (!(num >= MIN_SERVER_VERSION)) throw new PgVersionError(text);
  return text;
}

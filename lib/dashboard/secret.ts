/**
 * The dashboard's signing key: derived from BOT_TOKEN and a random key kept
 * in DATA_DIR (`dashboard.key`, created on first use, readable by the bot
 * only). Either alone is not enough: a leaked data directory without the
 * token, or a token without the data directory, forges nothing. Changing
 * either one logs every admin out.
 *
 * @module
 */

import { PRIVATE_FILE } from "../host/mod.ts";
import { base64Url } from "./token.ts";

/** The file in DATA_DIR holding the random half of the key. */
export const KEY_FILE = "dashboard.key";

/** The HMAC key of the dashboard's tokens. */
export async function loadDashboardKey(
  dataDir: string,
  botToken: string,
): Promise<CryptoKey> {
  const random = await readOrCreate(`${dataDir}/${KEY_FILE}`);
  const encoder = new TextEncoder();
  const base = await crypto.subtle.importKey(
    "raw",
    encoder.encode(random),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const derived = await crypto.subtle.sign(
    "HMAC",
    base,
    encoder.encode(`lora-bot dashboard\n${botToken}`),
  );
  return await crypto.subtle.importKey(
    "raw",
    derived,
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign", "verify"],
  );
}

async function readOrCreate(path: string): Promise<string> {
  try {
    const text = (await Deno.readTextFile(path)).trim();
    if (text.length >= 32) return text;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const key = base64Url(crypto.getRandomValues(new Uint8Array(32)));
  await Deno.writeTextFile(path, `${key}\n`, { mode: PRIVATE_FILE });
  return key;
}

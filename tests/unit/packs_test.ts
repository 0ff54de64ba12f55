/** TOKEN_PACKS and invoice payloads: what an operator writes, what Telegram echoes back. */

import assert from "node:assert/strict";
import { loadConfig } from "../../lib/config/mod.ts";
import { ConfigError } from "../../lib/config/parse.ts";
import {
  encodePayload,
  findPack,
  parsePayload,
  parseTokenPacks,
  TokenPacksError,
} from "../../lib/payments/packs.ts";

const TOKEN = "123456789:AAFakeTokenForTests_abcdefghijklmnopq";

Deno.test("parseTokenPacks() reads tokens:stars pairs, spaces allowed", () => {
  assert.deepEqual(parseTokenPacks(" 50:25 , 200:90,1000:400 "), [
    { tokens: 50, stars: 25 },
    { tokens: 200, stars: 90 },
    { tokens: 1000, stars: 400 },
  ]);
});

Deno.test("parseTokenPacks() with nothing set switches payments off", () => {
  assert.deepEqual(parseTokenPacks(undefined), []);
  assert.deepEqual(parseTokenPacks("   "), []);
});

Deno.test("parseTokenPacks() refuses malformed, zero, huge and repeated packs", () => {
  for (
    const bad of [
      "50",
      "50:",
      ":25",
      "50:25,",
      "0:25",
      "50:0",
      "-5:25",
      "5.5:25",
      "50:25:1",
      "1e3:25",
      "1234567890:25",
      "50:1234567",
      "50:25,50:30",
    ]
  ) {
    assert.throws(() => parseTokenPacks(bad), TokenPacksError, bad);
  }
});

Deno.test("loadConfig() names TOKEN_PACKS when it is wrong", () => {
  assert.throws(
    () => loadConfig({ BOT_TOKEN: TOKEN, TOKEN_PACKS: "50-25" }),
    (e: unknown) =>
      e instanceof ConfigError && /TOKEN_PACKS/.test(String(e.message)),
  );
});

Deno.test("invoice payloads round-trip and refuse anything the bot did not make", () => {
  const pack = { tokens: 200, stars: 90 };
  const payload = encodePayload(423721043, pack);
  assert.ok(new TextEncoder().encode(payload).length <= 128);
  assert.deepEqual(parsePayload(payload), { userId: 423721043, ...pack });
  for (
    const bad of [
      undefined,
      42,
      "",
      "p2:1:200:90",
      "p1:1:200",
      "p1:0:200:90",
      "p1:1:200:90:x",
      `p1:1:200:90\n`,
    ]
  ) {
    assert.equal(parsePayload(bad), undefined, String(bad));
  }
});

Deno.test("findPack() matches on sale packs only, by tokens and optional price", () => {
  const packs = parseTokenPacks("50:25,200:90");
  assert.deepEqual(findPack(packs, { tokens: 200 }), {
    tokens: 200,
    stars: 90,
  });
  assert.equal(findPack(packs, { tokens: 200, stars: 80 }), undefined);
  assert.equal(findPack(packs, { tokens: 100 }), undefined);
});

import assert from "node:assert/strict";
import {
  encodeCallback,
  MENU_ACTIONS,
  parseCallback,
} from "../../lib/bot/callback_data.ts";

Deno.test("parseCallback() round-trips every menu action", () => {
  for (const action of MENU_ACTIONS) {
    const data = encodeCallback({ kind: "menu", action });
    assert.ok(new TextEncoder().encode(data).length <= 64);
    assert.deepEqual(parseCallback(data), { kind: "menu", action });
  }
});

Deno.test("parseCallback() rejects forged and malformed data (fuzz)", () => {
  const known = new Set(MENU_ACTIONS.map((a) => `m:${a}`));
  const fixed: unknown[] = [
    undefined,
    null,
    42,
    {},
    "",
    "m:",
    "m:constructor",
    "m:__proto__",
    "m:toString",
    "m:menu ",
    " m:menu",
    "M:menu",
    "m:menu\n",
    "m:quick:1",
    "m:" + "a".repeat(100),
  ];
  for (const data of fixed) assert.equal(parseCallback(data), undefined);
  // A seeded generator keeps the fuzz repeatable.
  let seed = 20261126;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const alphabet = "m:abcdeklnqrstuwz_0123456789 \u0000é🎬";
  for (let i = 0; i < 5000; i++) {
    const length = Math.floor(random() * 12);
    let data = "";
    for (let j = 0; j < length; j++) {
      data += alphabet[Math.floor(random() * alphabet.length)];
    }
    const parsed = parseCallback(data);
    assert.equal(parsed !== undefined, known.has(data), data);
  }
});

import assert from "node:assert/strict";
import {
  type Callback,
  CALLBACK_DATA_MAX_BYTES,
  encodeCallback,
  MENU_ACTIONS,
  parseCallback,
} from "../../lib/bot/callback_data.ts";
import { DURATIONS, QUALITY_NAMES } from "../../lib/pricing.ts";
import type { WizardButton } from "../../lib/wizard/mod.ts";

const bytes = (s: string) => new TextEncoder().encode(s).length;

// Every callback the bot can draw (with the longest ids and pages).
function everyCallback(): Callback[] {
  const buttons: WizardButton[] = [
    ...DURATIONS.map((duration) => ({ type: "duration", duration } as const)),
    ...QUALITY_NAMES.map((quality) => ({ type: "quality", quality } as const)),
    { type: "back" },
    { type: "cancel" },
    { type: "confirm" },
  ];
  return [
    ...MENU_ACTIONS.map((action) => ({ kind: "menu", action } as const)),
    ...buttons.map((button) =>
      ({ kind: "wizard", nonce: "k3x9a0qz", button }) as const
    ),
    {
      kind: "job",
      action: "cancel",
      jobId: "telegram_423721043_1729545678123",
    },
    {
      kind: "job",
      action: "cancel",
      jobId: `telegram_${"9".repeat(20)}_${"9".repeat(16)}`,
    },
    { kind: "users", page: 0 },
    { kind: "users", page: 99_999 },
    { kind: "lang", locale: "ru" },
    { kind: "lang", locale: "en" },
    { kind: "pack", tokens: 50 },
    { kind: "pack", tokens: 999_999_999 },
    { kind: "invite" },
    { kind: "refund", paymentId: 1 },
    { kind: "refund", paymentId: 999_999_999_999_999 },
  ];
}

Deno.test("parseCallback() round-trips every callback within 64 bytes", () => {
  for (const callback of everyCallback()) {
    const data = encodeCallback(callback);
    assert.ok(bytes(data) <= CALLBACK_DATA_MAX_BYTES, data);
    assert.deepEqual(parseCallback(data), callback, data);
  }
  assert.equal(
    encodeCallback({
      kind: "job",
      action: "cancel",
      jobId: "telegram_42_1729545678123",
    }),
    "j:c:telegram_42_1729545678123",
  );
  assert.equal(
    encodeCallback({
      kind: "wizard",
      nonce: "abcdefgh",
      button: { type: "duration", duration: 10 },
    }),
    "w:abcdefgh:d:10",
  );
});

Deno.test("parseCallback() rejects forged and malformed data", () => {
  const forged: unknown[] = [
    undefined,
    null,
    42,
    {},
    ["m:menu"],
    "",
    ":",
    "m",
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
    "w:abcdefgh",
    "w:abcdefgh:",
    "w:abcdefg:ok",
    "w:abcdefghi:ok",
    "w:ABCDEFGH:ok",
    "w:abcdefgh:ok:1",
    "w:abcdefgh:d:7",
    "w:abcdefgh:d:05",
    "w:abcdefgh:d:10.0",
    "w:abcdefgh:d:10:x",
    "w:abcdefgh:q:ultra",
    "w:abcdefgh:q:toString",
    "w:abcdefgh:q:",
    "w:abcdefgh:cancel",
    "w:abcdefgh:Back",
    "w:abcd:efgh:ok",
    "j:c:",
    "j:c:telegram_0_1",
    "j:c:telegram_42",
    "j:c:telegram_42_",
    "j:c:telegram_42_1 ",
    "j:c:telegram_-42_1",
    "j:c:telegram_42_1\n",
    "j:c:telegram_42_1_2",
    "j:c:../../etc/passwd",
    "j:x:telegram_42_1",
    "j:telegram_42_1",
    `j:c:telegram_${"1".repeat(21)}_1`,
    `j:c:telegram_1_${"1".repeat(17)}`,
    "j:c:telegram_４２_1",
    "u:",
    "u:-1",
    "u:01",
    "u:1.5",
    "u:1e3",
    "u:100000",
    "u:0x10",
    "l:",
    "l:de",
    "l:EN",
    "l:en-GB",
    "x:menu",
  ];
  for (const data of forged) {
    assert.equal(parseCallback(data), undefined, JSON.stringify(data));
  }
});

Deno.test("parseCallback() accepts exactly what encodeCallback() makes (fuzz)", () => {
  const known = new Set(everyCallback().map(encodeCallback));
  // Mutations of real data: the dangerous inputs are near-misses.
  let seed = 20261126;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pick = <T>(xs: readonly T[]): T =>
    xs[Math.floor(random() * xs.length)] as T;
  const alphabet = [..."mwjulc:abdegknoqrstxz_0123456789 -.\n\u0000é🎬"];
  const samples = [...known];
  for (let i = 0; i < 20_000; i++) {
    let data = pick(samples);
    const edits = 1 + Math.floor(random() * 3);
    for (let e = 0; e < edits; e++) {
      const at = Math.floor(random() * (data.length + 1));
      const op = random();
      if (op < 0.4) data = data.slice(0, at) + pick(alphabet) + data.slice(at);
      else if (op < 0.7) data = data.slice(0, at) + data.slice(at + 1);
      else data = data.slice(0, at) + pick(alphabet) + data.slice(at + 1);
    }
    let parsed: Callback | undefined;
    assert.doesNotThrow(() => parsed = parseCallback(data), data);
    if (parsed === undefined) continue;
    // Whatever parses must be exactly what the encoder would have made.
    assert.equal(encodeCallback(parsed), data, JSON.stringify(data));
    assert.ok(bytes(data) <= CALLBACK_DATA_MAX_BYTES);
  }
  // And random strings from scratch.
  for (let i = 0; i < 5000; i++) {
    const length = Math.floor(random() * 16);
    let data = "";
    for (let j = 0; j < length; j++) data += pick(alphabet);
    const parsed = parseCallback(data);
    if (parsed !== undefined) assert.equal(encodeCallback(parsed), data);
  }
});

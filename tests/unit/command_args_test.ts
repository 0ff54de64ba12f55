import assert from "node:assert/strict";
import {
  parseAddTokens,
  parseGrantAmount,
  parseUserId,
} from "../../lib/bot/command_args.ts";
import { parseAnimateArgs } from "../../lib/commands/animate.ts";
import { parseReferral } from "../../lib/referrals/store.ts";

Deno.test("parseAddTokens() reads a user id and a signed amount", () => {
  assert.deepEqual(parseAddTokens(" 423721043  100 "), {
    userId: 423721043,
    amount: 100,
  });
  assert.deepEqual(parseAddTokens("5 -20"), { userId: 5, amount: -20 });
  assert.deepEqual(parseAddTokens("5 +7"), { userId: 5, amount: 7 });
  for (
    const bad of [
      "",
      "5",
      "5 0",
      "0 10",
      "-5 10",
      "5 10 extra",
      "5 1e3",
      "5 10.5",
      "abc 10",
      "5 9999999999",
      "1234567890123456 1",
      "５ 10",
      "5\n10\n11",
    ]
  ) {
    assert.equal(parseAddTokens(bad), undefined, JSON.stringify(bad));
  }
});

Deno.test("parseUserId() and parseGrantAmount() accept one shape each", () => {
  assert.equal(parseUserId(" 42 "), 42);
  assert.equal(parseUserId("0"), undefined);
  assert.equal(parseUserId("42 43"), undefined);
  assert.equal(parseUserId("@user"), undefined);
  assert.equal(parseGrantAmount("50"), 50);
  assert.equal(parseGrantAmount("0"), undefined);
  assert.equal(parseGrantAmount("-5"), undefined);
  assert.equal(parseGrantAmount("10000000"), undefined);
});

// A seeded generator: the same strings on every run.
function generator(seed: number) {
  let state = seed;
  return () => (state = (state * 48271) % 2147483647) / 2147483647;
}

Deno.test("the command parsers never throw and accept only their shape (fuzz)", () => {
  const random = generator(20261126);
  const alphabet = " 0123456789+-_.,abcxyz@/\n\t\u0000éЖ🎬ref_";
  for (let i = 0; i < 20_000; i++) {
    const length = Math.floor(random() * 24);
    let text = "";
    for (let j = 0; j < length; j++) {
      text += alphabet[Math.floor(random() * alphabet.length)];
    }
    const add = parseAddTokens(text);
    if (add !== undefined) {
      assert.ok(Number.isSafeInteger(add.userId) && add.userId > 0, text);
      assert.ok(Number.isSafeInteger(add.amount) && add.amount !== 0, text);
      assert.match(text.trim(), /^\d+\s+[+-]?\d+$/);
    }
    const id = parseUserId(text);
    if (id !== undefined) assert.match(text.trim(), /^\d+$/);
    const amount = parseGrantAmount(text);
    if (amount !== undefined) assert.ok(amount >= 1 && amount <= 9_999_999);
    const inviter = parseReferral(text);
    if (inviter !== undefined) {
      assert.ok(text.startsWith("ref_") && Number.isSafeInteger(inviter));
    }
    const animate = parseAnimateArgs(text.split(" ").filter((w) => w));
    if (typeof animate !== "string") {
      assert.ok([5, 10, 15].includes(animate.duration));
      assert.ok([300, 600, 832].includes(animate.sizePx));
    }
  }
});

import assert from "node:assert/strict";
import { RateLimit } from "./telegram_rate.ts";

Deno.test("RateLimit refuses a second message to a chat within a second", () => {
  const limit = new RateLimit({ slackMs: 0 });
  assert.equal(limit.check({ "chat_id": 1 }, 0), undefined);
  assert.equal(limit.check({ "chat_id": 1 }, 400), 1);
  assert.equal(limit.check({ "chat_id": 2 }, 400), undefined);
  assert.equal(limit.check({ "chat_id": 1 }, 1001), undefined);
  assert.equal(limit.check({}, 1001), undefined, "no chat: not counted");
  assert.equal(limit.refused, 1);
});

Deno.test("RateLimit refuses more than perSecond messages overall", () => {
  const limit = new RateLimit({ perSecond: 3, slackMs: 0 });
  for (let chat = 0; chat < 3; chat++) {
    assert.equal(limit.check({ "chat_id": chat }, 10), undefined);
  }
  assert.equal(limit.check({ "chat_id": 9 }, 500), 1);
  assert.equal(limit.check({ "chat_id": 9 }, 1011), undefined);
  assert.equal(limit.refused, 1);
});

import assert from "node:assert/strict";
import { RateLimit } from "../fakes/telegram/rate.ts";

Deno.test("RateLimit refuses a second message to a chat within a second", () => {
  const limit = new RateLimit({ slackMs: 0 });
  assert.equal(limit.check("sendMessage", { "chat_id": 1 }, 0), undefined);
  assert.equal(limit.check("editMessageText", { "chat_id": 1 }, 400), 1);
  assert.equal(limit.check("sendMessage", { "chat_id": 2 }, 400), undefined);
  assert.equal(limit.check("sendVideo", { "chat_id": 1 }, 1001), undefined);
  assert.equal(limit.check("getFile", {}, 1001), undefined, "no chat");
  assert.equal(limit.refused, 1);
  assert.deepEqual(limit.refusals, [
    { at: 400, chat: "1", limit: "chat", oldestAt: 0 },
  ]);
});

Deno.test("RateLimit refuses more than perSecond messages overall", () => {
  const limit = new RateLimit({ perSecond: 3, slackMs: 0 });
  for (let chat = 0; chat < 3; chat++) {
    assert.equal(
      limit.check("sendMessage", { "chat_id": chat }, 10),
      undefined,
    );
  }
  assert.equal(limit.check("sendMessage", { "chat_id": 9 }, 500), 1);
  assert.equal(limit.check("sendMessage", { "chat_id": 9 }, 1011), undefined);
  assert.equal(limit.refused, 1);
  assert.equal(limit.refusals[0]?.limit, "all");
});

Deno.test("RateLimit counts sendChatAction overall but not in its chat", () => {
  const limit = new RateLimit({ perSecond: 3, slackMs: 0 });
  const action = { "chat_id": 1, action: "upload_video" };
  assert.equal(limit.check("sendVideo", { "chat_id": 1 }, 0), undefined);
  assert.equal(limit.check("sendChatAction", action, 10), undefined);
  assert.equal(limit.check("sendChatAction", action, 20), undefined);
  // The chat actions filled the overall window; the chat's own is not.
  assert.equal(limit.check("sendChatAction", action, 30), 1);
  assert.equal(limit.check("sendMessage", { "chat_id": 1 }, 1001), undefined);
  assert.deepEqual(limit.refusals.map((r) => r.limit), ["all"]);
});

Deno.test("RateLimit slack shortens the windows, nothing more", () => {
  const limit = new RateLimit({ slackMs: 200 });
  assert.equal(limit.check("sendMessage", { "chat_id": 1 }, 0), undefined);
  assert.equal(limit.check("sendMessage", { "chat_id": 1 }, 799), 1);
  assert.equal(limit.check("sendMessage", { "chat_id": 1 }, 801), undefined);
});

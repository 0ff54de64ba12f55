/**
 * Groups and supergroups: a photo posted there starts no job and moves no
 * token; the group gets one short hint with a link to the bot, at most
 * once per 10 minutes; no command posts a balance or a charge there.
 */

import assert from "node:assert/strict";
import { SAMPLE_JPEG } from "../fixtures/media.ts";
import { startHarness } from "./harness.ts";

Deno.test("a photo in a group starts nothing; one hint per group, never a balance", async () => {
  await using h = await startHarness();
  const group = h.telegram.group(-4001, "Friends");
  const supergroup = h.telegram.group(-1004002, "Big");
  const ann = h.telegram.user(611, { first_name: "Ann", language_code: "en" });
  const bob = h.telegram.user(612, { first_name: "Bob", language_code: "ru" });
  h.telegram.sendGroupPhoto(group, ann, SAMPLE_JPEG);
  const hint = await h.telegram.waitForCall("sendMessage");
  assert.equal(hint.params.chat_id, group);
  assert.match(
    String(hint.params.text),
    /private chat: https:\/\/t\.me\/lora_test_bot/,
  );
  // More photos, commands and texts in the same group: no answer at all.
  const after = h.telegram.lastCallId();
  h.telegram.sendGroupPhoto(group, bob, SAMPLE_JPEG);
  h.telegram.sendGroupMessage(group, ann, {
    text: "/balance",
    entities: [{ type: "bot_command", offset: 0, length: 8 }],
  });
  h.telegram.sendGroupMessage(group, bob, {
    text: "/start",
    entities: [{ type: "bot_command", offset: 0, length: 6 }],
  });
  // Another group gets its own hint (in the poster's language).
  h.telegram.sendGroupPhoto(supergroup, bob, SAMPLE_JPEG);
  const second = await h.telegram.waitForCall("sendMessage", { after });
  assert.equal(second.params.chat_id, supergroup);
  assert.match(String(second.params.text), /личном чате/);
  // A private message after all of them is answered, so they were handled.
  const last = h.telegram.lastCallId();
  h.telegram.sendText(ann, "/start");
  await h.telegram.waitForCall("sendMessage", {
    where: (c) => c.params.chat_id === ann.id,
    after: last,
  });
  await h.app.runner.idle();
  const inGroups = h.telegram.calls.filter((c) =>
    c.params.chat_id === group || c.params.chat_id === supergroup
  );
  assert.equal(inGroups.length, 2, inGroups.map((c) => c.method).join());
  for (const call of inGroups) {
    assert.doesNotMatch(
      String(call.params.text),
      /баланс|balance|токен|token|Списано/i,
    );
  }
  assert.equal(h.comfy.requests.length, 0, "nothing was rendered");
  assert.equal(h.telegram.callsOf("getFile").length, 0, "nothing downloaded");
  assert.equal((await h.app.jobs.unfinished()).length, 0);
  // Bob only ever wrote in groups: no account, no welcome grant.
  assert.equal(await h.app.ledger.account(bob.id), undefined);
  assert.deepEqual(
    (await h.app.ledger.journal(ann.id, 10)).map((e) => e.kind),
    ["grant"],
  );
});

/**
 * /animate in groups: as a reply to a photo it makes the video and posts
 * it in the group as a reply, paid from the asker's private balance (the
 * poster pays nothing); no balance ever appears in the group; someone who
 * never started the bot gets a link and is charged nothing; a plain photo
 * starts nothing; a group admin can switch /animate off.
 */

import assert from "node:assert/strict";
import type { Message } from "grammy/types";
import { SAMPLE_JPEG } from "../fixtures/media.ts";
import type { FakeUser } from "../fakes/telegram/mod.ts";
import { type Harness, startHarness } from "./harness.ts";
import { handled, kinds, say } from "./helpers.ts";

const BALANCE_WORDS =
  /баланс|balance|токен|token|Списано|charged|\b100\b|\b90\b/i;

const GROUP_PACE = { TELEGRAM_GROUP_RATE: "60000" };

function animate(
  h: Harness,
  group: number,
  from: FakeUser,
  photo: Message | undefined,
  text = "/animate",
) {
  return h.telegram.sendGroupMessage(group, from, {
    text,
    entities: [{
      type: "bot_command",
      offset: 0,
      length: text.split(" ")[0]?.length ?? 0,
    }],
    ...(photo
      ? { "reply_to_message": photo as Message.CommonMessage as never }
      : {}),
  });
}

Deno.test("/animate replying to a photo in a group: the video in the group, the asker charged", async () => {
  // The group pace (20 a minute) is checked in limits_test.ts.
  await using h = await startHarness({ env: GROUP_PACE });
  const group = h.telegram.group(-1007001, "Friends");
  const ann = h.telegram.user(7501, { first_name: "Ann", language_code: "en" });
  const bob = h.telegram.user(7502, { first_name: "Bob", language_code: "en" });
  const carol = h.telegram.user(7503, {
    first_name: "Carol",
    language_code: "en",
  });
  await say(h, ann, "/start");
  await say(h, bob, "/start");

  // A plain photo in the group starts nothing (the group gets its hint).
  const posted = h.telegram.sendGroupPhoto(group, ann, SAMPLE_JPEG);
  await handled(h, posted.update_id);
  assert.equal(h.telegram.callsOf("getFile").length, 0);
  assert.equal((await h.app.jobs.unfinished()).length, 0);
  const photo = posted.message;
  assert.ok(photo);

  const asked = animate(h, group, bob, photo, "/animate@lora_test_bot");
  const video = await h.telegram.waitForCall("sendVideo");
  await handled(h, asked.update_id);
  await h.app.runner.idle();
  assert.equal(video.params.chat_id, group);
  const replyTo = video.params.reply_parameters as Record<string, unknown>;
  assert.equal(replyTo.message_id, photo.message_id);
  assert.equal(video.params.reply_markup, undefined, "no private buttons");
  // Bob paid from his private balance; Ann, the poster, nothing.
  assert.equal((await h.app.ledger.account(bob.id))?.tokens, 90);
  assert.deepEqual(await kinds(h, bob.id), ["grant", "hold", "capture"]);
  assert.equal((await h.app.ledger.account(ann.id))?.tokens, 100);
  assert.deepEqual(await kinds(h, ann.id), ["grant"]);

  // Carol never started the bot: a link, nothing charged, no account.
  const before = h.telegram.lastCallId();
  const third = animate(h, group, carol, photo);
  await handled(h, third.update_id);
  const link = h.telegram.callsOf("sendMessage").find((c) => c.id > before);
  assert.equal(link?.params.chat_id, group);
  assert.match(
    String(link?.params.text),
    /https:\/\/t\.me\/lora_test_bot\?start=group/,
  );
  assert.equal(await h.app.ledger.account(carol.id), undefined);
  assert.equal(h.telegram.callsOf("sendVideo").length, 1);

  // Within the group's cooldown another /animate starts nothing.
  const quiet = h.telegram.lastCallId();
  const again = animate(h, group, bob, photo);
  await handled(h, again.update_id);
  await h.app.runner.idle();
  assert.equal(h.telegram.calls.filter((c) => c.id > quiet).length, 0);
  assert.equal((await h.app.ledger.account(bob.id))?.tokens, 90);

  // Nothing the bot said in the group shows a balance or a charge.
  const inGroup = h.telegram.calls.filter((c) => c.params.chat_id === group);
  assert.ok(inGroup.length >= 3);
  for (const call of inGroup) {
    assert.doesNotMatch(String(call.params.text ?? ""), BALANCE_WORDS);
    assert.doesNotMatch(String(call.params.caption ?? ""), /balance|token/i);
  }
});

Deno.test("a group admin switches /animate off; then it stays silent", async () => {
  // The group pace (20 a minute) is checked in limits_test.ts.
  await using h = await startHarness({ env: GROUP_PACE });
  const group = h.telegram.group(-1007002, "Club");
  const owner = h.telegram.user(7511, { language_code: "en" });
  const member = h.telegram.user(7512, { language_code: "en" });
  h.telegram.chatMember(group, owner, "creator");
  h.telegram.chatMember(group, member, "member");
  await say(h, member, "/start");
  const posted = h.telegram.sendGroupPhoto(group, owner, SAMPLE_JPEG);
  await handled(h, posted.update_id);

  const refused = animate(h, group, member, undefined, "/animate off");
  await handled(h, refused.update_id);
  const off = animate(h, group, owner, undefined, "/animate off");
  await handled(h, off.update_id);
  const texts = h.telegram.callsOf("sendMessage")
    .filter((c) => c.params.chat_id === group).map((c) => c.params.text);
  assert.ok(
    texts.includes("Only a group admin can switch /animate on or off."),
  );
  assert.ok(texts.includes("🔕 /animate is off in this group."));

  const after = h.telegram.lastCallId();
  const asked = animate(h, group, member, posted.message);
  await handled(h, asked.update_id);
  await h.app.runner.idle();
  assert.equal(h.telegram.calls.filter((c) => c.id > after).length, 0);
  assert.equal(h.comfy.requests.length, 0);
  assert.deepEqual(await kinds(h, member.id), ["grant"]);
});

/**
 * Inline sharing: `@<bot>` in any chat lists the user's own delivered
 * videos by their Telegram file ids (personal, briefly cached); a user
 * without videos gets an empty answer with a button to the bot, and no
 * account is opened for them.
 */

import assert from "node:assert/strict";
import { SAMPLE_JPEG } from "../fixtures/media.ts";
import { inlineQuery } from "../fakes/telegram/inline.ts";
import { startHarness } from "./harness.ts";

Deno.test("an inline query lists the user's videos by file id; none: a friendly empty answer", async () => {
  await using h = await startHarness();
  const ann = h.telegram.user(7401, { language_code: "en" });
  const bob = h.telegram.user(7402, { language_code: "ru" });
  h.telegram.sendPhoto(ann, SAMPLE_JPEG, { caption: "waves on the sea" });
  const sent = await h.telegram.waitForCall("sendVideo");
  await h.app.runner.idle();
  const fileId = h.telegram.chat(ann.id).find((e) => e.message.video)
    ?.message.video?.file_id;
  assert.ok(fileId);

  const query = inlineQuery(h.telegram, ann, "", "supergroup");
  const answer = await h.telegram.waitForCall("answerInlineQuery", {
    where: (c) => c.params.inline_query_id === query.inline_query?.id,
  });
  assert.equal(answer.error, undefined);
  const results = answer.params.results as Record<string, unknown>[];
  assert.equal(results.length, 1);
  assert.equal(results[0]?.type, "video");
  assert.equal(results[0]?.video_file_id, fileId);
  assert.equal(results[0]?.caption, sent.params.caption);
  assert.match(String(results[0]?.caption), /waves on the sea/);
  assert.equal(answer.params.is_personal, true);
  assert.ok(Number(answer.params.cache_time) <= 30);

  const empty = inlineQuery(h.telegram, bob);
  const none = await h.telegram.waitForCall("answerInlineQuery", {
    where: (c) => c.params.inline_query_id === empty.inline_query?.id,
  });
  assert.equal(none.error, undefined);
  assert.deepEqual(none.params.results, []);
  const button = none.params.button as Record<string, unknown>;
  assert.match(String(button.text), /Видео пока нет/);
  assert.equal(button.start_parameter, "inline");
  // Asking moved nothing: Bob has no account.
  assert.equal(await h.app.ledger.account(bob.id), undefined);
});

/**
 * An album is one order: photos sharing a media_group_id get one
 * confirmation with the total; nothing is held before ✅; ✅ starts them
 * all (past MAX_ACTIVE_JOBS_PER_USER they wait in the queue); a photo whose
 * render fails is refunded alone.
 */

import assert from "node:assert/strict";
import { SAMPLE_JPEG } from "../fixtures/media.ts";
import { startHarness } from "./harness.ts";
import { dataOf, handled, kinds, lastBot, press, say } from "./helpers.ts";

Deno.test("an album of 3 photos: one confirmation with the total, ✅ → three videos, charged 30", async () => {
  await using h = await startHarness();
  const user = h.telegram.user(7701, { language_code: "en" });
  await say(h, user, "/start");
  const after = h.telegram.lastCallId();
  const updates = [1, 2, 3].map((i) =>
    h.telegram.sendPhoto(user, SAMPLE_JPEG, {
      mediaGroupId: "13579",
      ...(i === 1 ? { caption: "slow zoom" } : {}),
    })
  );
  for (const update of updates) await handled(h, update.update_id);
  const confirm = await h.telegram.waitForCall("sendMessage", {
    after,
    where: (c) => /Album: 3 photos/.test(String(c.params.text)),
  });
  const text = String(confirm.params.text);
  assert.match(text, /Price: 30 tokens/);
  assert.match(text, /Balance after: 70 tokens/);
  // One confirmation, nothing else said, nothing downloaded nor held.
  const said = h.telegram.calls.filter((c) =>
    c.id > after && c.method === "sendMessage"
  );
  assert.equal(said.length, 1);
  assert.equal(h.telegram.callsOf("getFile").length, 0);
  assert.deepEqual(await kinds(h, user.id), ["grant"]);

  const screen = lastBot(h, user.id);
  const data = dataOf(screen, "✅ Create 3 videos");
  await press(h, user, screen.message_id, "✅ Create 3 videos");
  // Past MAX_ACTIVE_JOBS_PER_USER (2) the third waited in the queue.
  await h.app.runner.idle();
  assert.equal(h.telegram.callsOf("sendVideo").length, 3);
  assert.equal(h.comfy.requests.length, 3);
  assert.equal((await h.app.ledger.account(user.id))?.tokens, 70);
  const journal = await kinds(h, user.id);
  assert.equal(journal.filter((k) => k === "hold").length, 3);
  assert.equal(journal.filter((k) => k === "capture").length, 3);
  // The album's caption moves every photo.
  const jobs = await h.sql.all(
    `SELECT prompt, file_id FROM jobs ORDER BY ${h.sql.seq}`,
    [],
  );
  assert.deepEqual(jobs.map((r) => r.prompt), [
    "slow zoom",
    "slow zoom",
    "slow zoom",
  ]);
  // Queued in the album's order.
  assert.deepEqual(
    jobs.map((r) => r.file_id),
    updates.map((u) => u.message?.photo?.at(-1)?.file_id),
  );
  // A second tap on ✅ starts nothing more.
  await press(h, user, screen.message_id, data, { raw: true });
  await h.app.runner.idle();
  assert.equal(h.comfy.requests.length, 3);
});

Deno.test("an album with one failed render: only that photo is refunded", async () => {
  await using h = await startHarness();
  const user = h.telegram.user(7702, { language_code: "en" });
  await say(h, user, "/start");
  for (let i = 0; i < 3; i++) {
    const update = h.telegram.sendPhoto(user, SAMPLE_JPEG, {
      mediaGroupId: "24680",
    });
    await handled(h, update.update_id);
  }
  await h.telegram.waitForCall("sendMessage", {
    where: (c) => /Album: 3 photos/.test(String(c.params.text)),
  });
  // The first render fails on the server; the others succeed.
  h.comfy.mode = "runtime_error";
  const first = h.comfy.waitForRequest();
  await press(h, user, lastBot(h, user.id).message_id, "✅ Create 3 videos");
  await first;
  h.comfy.mode = "direct";
  await h.app.runner.idle();
  assert.equal((await h.app.jobs.unfinished()).length, 0);
  assert.equal(h.telegram.callsOf("sendVideo").length, 2);
  const account = await h.app.ledger.account(user.id);
  assert.equal(account?.tokens, 80);
  assert.equal(account?.held, 0);
  const journal = await kinds(h, user.id);
  assert.equal(journal.filter((k) => k === "hold").length, 3);
  assert.equal(journal.filter((k) => k === "capture").length, 2);
  assert.equal(journal.filter((k) => k === "release").length, 1);
});

Deno.test("the wizard takes an album: one confirmation for all, ✅ → a video each", async () => {
  await using h = await startHarness();
  const user = h.telegram.user(7703, { language_code: "en" });
  await say(h, user, "/start");
  await press(h, user, lastBot(h, user.id).message_id, "🎬 Create video");
  for (let i = 0; i < 3; i++) {
    const update = h.telegram.sendPhoto(user, SAMPLE_JPEG, {
      mediaGroupId: "97531",
    });
    await handled(h, update.update_id);
  }
  // The album moved the wizard once: one motion screen, no "replaced".
  const screen = lastBot(h, user.id);
  assert.equal(
    h.telegram.chat(user.id).filter((e) => /Photo replaced/.test(e.text ?? ""))
      .length,
    0,
  );
  await press(h, user, screen.message_id, "🤖 Automatic");
  await press(h, user, screen.message_id, "5 s · 5 tokens");
  await press(h, user, screen.message_id, "low · 300 px");
  const confirm = lastBot(h, user.id);
  assert.match(String(confirm.text), /Album: 3 photos — 3 videos/);
  assert.match(String(confirm.text), /Price: 15 tokens/);
  assert.match(String(confirm.text), /Balance after: 85 tokens/);
  assert.deepEqual(await kinds(h, user.id), ["grant"]);
  await press(h, user, confirm.message_id, "✅ Create video");
  await h.app.runner.idle();
  assert.equal(h.telegram.callsOf("sendVideo").length, 3);
  assert.equal((await h.app.ledger.account(user.id))?.tokens, 85);
  assert.equal(
    (await kinds(h, user.id)).filter((k) => k === "capture").length,
    3,
  );
});

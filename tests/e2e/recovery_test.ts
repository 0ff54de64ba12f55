import assert from "node:assert/strict";
import type { Message } from "grammy/types";
import { SAMPLE_JPEG, SAMPLE_MP4 } from "../fixtures/media.ts";
import { journalKinds, startHarness } from "./harness.ts";

Deno.test("a restart during a render resumes it: one render, one charge", async () => {
  await using h = await startHarness({ comfy: { renderMs: 400 } });
  const user = h.telegram.user(21, { first_name: "Ro", language_code: "ru" });
  h.telegram.sendPhoto(user, SAMPLE_JPEG);
  await h.comfy.waitForRequest();
  await h.restart();
  const video = await h.telegram.waitForCall("sendVideo");
  assert.deepEqual(video.files[0]?.bytes, SAMPLE_MP4);
  await h.app.runner.idle();
  assert.equal(h.comfy.requests.length, 1, "rendered once");
  const texts = h.telegram.callsOf("editMessageText").map((c) =>
    String(c.params.text)
  );
  assert.ok(texts.some((t) => /Бот перезапускается/.test(t)), texts.join("\n"));
  assert.ok(texts.some((t) => /продолжаю работу над вашим видео/.test(t)));
  assert.equal((await h.app.ledger.account(user.id))?.tokens, 90);
  assert.deepEqual(await journalKinds(h.app, user.id), [
    "grant",
    "hold",
    "capture",
  ]);
  assert.equal(h.telegram.callsOf("sendVideo").length, 1);
});

Deno.test("a job ComfyUI forgot in its restart is submitted once more", async () => {
  await using h = await startHarness({ comfy: { renderMs: 300 } });
  const user = h.telegram.user(22, { first_name: "Sa", language_code: "en" });
  h.telegram.sendPhoto(user, SAMPLE_JPEG);
  const first = await h.comfy.waitForRequest();
  await h.app.stop();
  h.comfy.restart();
  await h.restart();
  const again = await h.comfy.waitForRequest({ after: first.id });
  assert.equal(again.imageName, first.imageName, "same job, same input name");
  assert.deepEqual(again.imageBytes, SAMPLE_JPEG);
  await h.telegram.waitForCall("sendVideo");
  await h.app.runner.idle();
  const job = (await h.app.jobs.byUpdate(1)) ??
    await h.app.jobs.get(String(first.clientIdField));
  assert.equal(job?.attempts, 1);
  assert.equal(job?.state, "done");
  assert.equal((await h.app.ledger.account(user.id))?.tokens, 90);
});

Deno.test("a job lost beyond JOB_RESUBMITS is refunded and the user told", async () => {
  await using h = await startHarness({
    comfy: { renderMs: 300 },
    env: { JOB_RESUBMITS: "0" },
  });
  const user = h.telegram.user(23, { first_name: "Ti", language_code: "ru" });
  h.telegram.sendPhoto(user, SAMPLE_JPEG);
  await h.comfy.waitForRequest();
  await h.app.stop();
  h.comfy.restart();
  await h.restart();
  await h.telegram.waitForCall("editMessageText", {
    where: (c) => /потерял задачу/.test(String(c.params.text)),
  });
  await h.app.runner.idle();
  assert.equal(h.comfy.requests.length, 1);
  assert.equal((await h.app.ledger.account(user.id))?.tokens, 100);
  assert.deepEqual(await journalKinds(h.app, user.id), [
    "grant",
    "hold",
    "release",
  ]);
});

Deno.test("jobs beyond COMFYUI_CONCURRENCY wait in line and see their place", async () => {
  await using h = await startHarness({ comfy: { renderMs: 300 } });
  const users = [31, 32, 33].map((id) =>
    h.telegram.user(id, { first_name: `U${id}`, language_code: "ru" })
  );
  for (const user of users) h.telegram.sendPhoto(user, SAMPLE_JPEG);
  await h.telegram.waitForCall("editMessageText", {
    where: (c) => /Вы №2 в очереди/.test(String(c.params.text)),
  });
  for (let i = 0; i < users.length; i++) {
    await h.telegram.waitForCall("sendVideo", {
      where: (c) => c.params.chat_id === users[i]?.id,
    });
  }
  await h.app.runner.idle();
  // One at a time: ComfyUI-Connect breaks on overlapping requests.
  const starts = h.comfy.requests.map((r) => r.at);
  assert.equal(starts.length, 3);
  for (const user of users) {
    assert.equal((await h.app.ledger.account(user.id))?.tokens, 90);
  }
  // The two that waited let their photos go and fetched them again at
  // their turn: three checks on arrival, then two more.
  assert.equal(h.telegram.downloads.length, 5);
});

Deno.test("cancel: a queued job is refunded at once and never rendered", async () => {
  await using h = await startHarness({ comfy: { renderMs: 400 } });
  const a = h.telegram.user(41, { first_name: "A", language_code: "en" });
  const b = h.telegram.user(42, { first_name: "B", language_code: "en" });
  h.telegram.sendPhoto(a, SAMPLE_JPEG);
  await h.comfy.waitForRequest();
  h.telegram.sendPhoto(b, SAMPLE_JPEG);
  await h.telegram.waitForCall("editMessageText", {
    where: (c) =>
      c.params.chat_id === b.id &&
      /#1 in the queue/.test(String(c.params.text)),
  });
  const job = (await h.app.jobs.unfinished()).find((j) => j.userId === b.id);
  assert.ok(job);
  assert.equal(
    await h.app.runner.cancel(job.id, a.id),
    "not_found",
    "not a's job",
  );
  assert.equal(await h.app.runner.cancel(job.id, b.id), "cancelled");
  assert.equal(
    (await h.app.ledger.account(b.id))?.tokens,
    100,
    "refunded at once",
  );
  await h.telegram.waitForCall("editMessageText", {
    where: (c) =>
      c.params.chat_id === b.id &&
      /Video cancelled/.test(String(c.params.text)),
  });
  await h.telegram.waitForCall("sendVideo", {
    where: (c) => c.params.chat_id === a.id,
  });
  await h.app.runner.idle();
  assert.equal(h.comfy.requests.length, 1);
  assert.equal((await h.app.jobs.get(job.id))?.state, "cancelled");
  assert.deepEqual(await journalKinds(h.app, b.id), [
    "grant",
    "hold",
    "release",
  ]);
});

Deno.test("cancel: a running job is interrupted in ComfyUI and refunded", async () => {
  await using h = await startHarness({ comfy: { renderMs: 2000 } });
  const user = h.telegram.user(43, { first_name: "C", language_code: "ru" });
  h.telegram.sendPhoto(user, SAMPLE_JPEG);
  const request = await h.comfy.waitForRequest();
  const job = (await h.app.jobs.unfinished())[0];
  assert.ok(job);
  assert.equal(await h.app.runner.cancel(job.id, user.id), "cancelled");
  await h.telegram.waitForCall("editMessageText", {
    where: (c) => /Создание видео отменено/.test(String(c.params.text)),
  });
  await h.app.runner.idle();
  for (let i = 0; i < 100 && h.comfy.interrupts.length === 0; i++) {
    await h.comfy.waitForRequest({ after: request.id, timeoutMs: 20 }).catch(
      () => {},
    );
  }
  assert.deepEqual(h.comfy.interrupts, [request.promptId]);
  assert.equal(h.telegram.callsOf("sendVideo").length, 0);
  assert.equal((await h.app.ledger.account(user.id))?.tokens, 100);
});

Deno.test("the ✖ button on the progress message cancels and refunds", async () => {
  await using h = await startHarness({ comfy: { renderMs: 2000 } });
  const user = h.telegram.user(44, { first_name: "D", language_code: "ru" });
  const other = h.telegram.user(45, { first_name: "E", language_code: "ru" });
  h.telegram.sendPhoto(user, SAMPLE_JPEG);
  await h.comfy.waitForRequest();
  const progress = h.telegram.chat(user.id).find((e) =>
    e.from === "bot" && (e.buttons ?? []).flat().includes("✖ Отмена")
  );
  assert.ok(progress, "the progress message has a cancel button");
  const job = (await h.app.jobs.unfinished())[0];
  assert.ok(job);
  // Another user forges the same data on a message in their own chat.
  h.telegram.sendText(other, "/start");
  const menu = await h.telegram.waitForCall("sendMessage", {
    where: (c) =>
      c.params.chat_id === other.id && c.params.reply_markup !== undefined,
  });
  h.telegram.clickButton(
    other,
    (menu.result as Message).message_id,
    `j:c:${job.id}`,
    {
      unchecked: true,
    },
  );
  await h.telegram.waitForCall("answerCallbackQuery");
  assert.equal((await h.app.jobs.get(job.id))?.state, "submitted");
  h.telegram.clickButton(user, progress.message_id, `j:c:${job.id}`);
  const answer = await h.telegram.waitForCall("answerCallbackQuery", {
    where: (c) => /отменено/i.test(String(c.params.text)),
  });
  assert.ok(answer);
  await h.app.runner.idle();
  assert.equal((await h.app.jobs.get(job.id))?.state, "cancelled");
  assert.equal((await h.app.ledger.account(user.id))?.tokens, 100);
  assert.equal(h.telegram.callsOf("sendVideo").length, 0);
  const last = h.telegram.chat(user.id).find((e) =>
    e.message_id === progress.message_id
  );
  assert.match(last?.text ?? "", /Создание видео отменено/);
  assert.deepEqual(last?.buttons ?? [], [], "the button is gone");
});

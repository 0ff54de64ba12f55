import assert from "node:assert/strict";
import { DEFAULT_TAGS } from "../fakes/comfyui/connect.ts";
import { SAMPLE_JPEG } from "../fixtures/media.ts";
import { startHarness } from "./harness.ts";
import { kinds, lastBot, message, press, say } from "./helpers.ts";

Deno.test("my videos: lists delivered videos and re-sends one by file_id, no job", async (t) => {
  await using h = await startHarness({
    comfy: { renderMs: 20, tags: { ...DEFAULT_TAGS, prompt: ["text"] } },
    env: { NEGATIVE_PROMPT: "off" },
  });
  const user = h.telegram.user(811, { first_name: "Ivo" });
  await say(h, user, "/start");
  const menu = lastBot(h, user.id).message_id;

  await t.step("an empty list says how to make the first video", async () => {
    await press(h, user, menu, "🎞 Мои видео");
    assert.match(message(h, user.id, menu).text ?? "", /Здесь появятся/);
    await press(h, user, menu, "🏠 Главное меню");
  });

  let fileId = "";
  await t.step("a quick-mode video with a caption", async () => {
    const after = h.telegram.lastCallId();
    h.telegram.sendPhoto(user, SAMPLE_JPEG, { caption: "she waves" });
    await h.telegram.waitForCall("sendVideo", { after });
    await h.app.runner.idle();
    fileId = h.app.jobs.delivered(user.id, 1)[0]?.videoFileId ?? "";
    assert.ok(fileId !== "");
  });

  await t.step(
    "🎞 1 sends it again: same file_id, no render, no charge",
    async () => {
      await say(h, user, "/start");
      const home = lastBot(h, user.id).message_id;
      await press(h, user, home, "🎞 Мои видео");
      const list = message(h, user.id, home);
      assert.match(list.text ?? "", /1\. .* · 10 сек · среднее · she waves/);
      assert.deepEqual(list.buttons, [["🎞 1"], ["🏠 Главное меню"]]);
      const journal = kinds(h, user.id);
      const after = h.telegram.lastCallId();
      await press(h, user, home, "🎞 1");
      const sent = await h.telegram.waitForCall("sendVideo", { after });
      assert.equal(sent.params.video, fileId);
      assert.match(String(sent.params.caption), /🎭 she waves/);
      assert.equal(h.comfy.requests.length, 1);
      assert.equal(h.app.jobs.unfinished().length, 0);
      assert.deepEqual(kinds(h, user.id), journal);
    },
  );

  await t.step("🔁 under a video runs it again, charged as new", async () => {
    const video = h.telegram.chat(user.id).filter((e) => e.from === "bot")
      .find((e) => e.buttons?.flat().includes("🔁 Повторить"));
    assert.ok(video, "the delivered video has a repeat button");
    const after = h.telegram.lastCallId();
    const answer = await press(h, user, video.message_id, "🔁 Повторить");
    assert.match(String(answer.params.text), /Запускаю ещё раз/);
    await h.telegram.waitForCall("sendVideo", { after });
    await h.app.runner.idle();
    assert.equal(h.comfy.requests.length, 2);
    assert.deepEqual(h.comfy.requests[1]?.imageBytes, SAMPLE_JPEG);
    assert.equal(h.app.ledger.account(user.id)?.tokens, 80);
    assert.equal(h.app.jobs.delivered(user.id, 20).length, 2);
    assert.equal(h.app.jobs.delivered(user.id, 1)[0]?.prompt, "she waves");
  });

  await t.step("someone else's video button changes nothing", async () => {
    const other = h.telegram.user(812, { first_name: "Eve" });
    await say(h, other, "/start");
    const jobId = h.app.jobs.delivered(user.id, 1)[0]?.id ?? "";
    const after = h.telegram.lastCallId();
    const answer = await press(
      h,
      other,
      lastBot(h, other.id).message_id,
      `j:g:${jobId}`,
      { raw: true },
    );
    assert.equal(answer.params.text, "Это видео больше недоступно.");
    const calls = h.telegram.calls.filter((c) => c.id > after)
      .map((c) => c.method);
    assert.ok(!calls.includes("sendVideo"));
  });
});

import { FULL_SAVED } from "../fakes/comfyui/connect.ts";
import assert from "node:assert/strict";
import { FEATURE_DEFAULTS } from "../../lib/config/features.ts";
import { presetPrompt } from "../../lib/prompts/mod.ts";
import { SAMPLE_JPEG } from "../fixtures/media.ts";
import { startHarness } from "./harness.ts";
import { lastBot, message, press, say, sendPhoto } from "./helpers.ts";

Deno.test("prompts: a photo's caption reaches the workflow's prompt input", async () => {
  await using h = await startHarness({
    comfy: { renderMs: 20, saved: FULL_SAVED },
  });
  const user = h.telegram.user(801, { first_name: "Mia" });
  await say(h, user, "/start");
  const after = h.telegram.lastCallId();
  // Control characters and runs of spaces are cleaned away.
  h.telegram.sendPhoto(user, SAMPLE_JPEG, {
    caption: "  she smiles\u0000 and\n\nwaves\u202e ",
  });
  const video = await h.telegram.waitForCall("sendVideo", { after });
  await h.app.runner.idle();
  assert.deepEqual(h.comfy.requests[0]?.inputs, {
    duration: { value: 10 },
    size: { value: 600 },
    prompt: { text: "she smiles and waves" },
    negative: { text: FEATURE_DEFAULTS.NEGATIVE_PROMPT },
  });
  assert.match(String(video.params.caption), /🎭 she smiles and waves\n/);
  assert.equal(
    h.app.jobs.delivered(user.id, 1)[0]?.prompt,
    "she smiles and waves",
  );
  // The prompt does not change the price.
  assert.equal(h.app.ledger.account(user.id)?.tokens, 90);
});

Deno.test("prompts: without a caption the workflow keeps its own texts", async () => {
  await using h = await startHarness({
    comfy: { renderMs: 20, saved: FULL_SAVED },
  });
  const user = h.telegram.user(802, { first_name: "Ned" });
  await say(h, user, "/start");
  const after = h.telegram.lastCallId();
  await sendPhoto(h, user, SAMPLE_JPEG);
  await h.telegram.waitForCall("sendVideo", { after });
  assert.deepEqual(h.comfy.requests[0]?.inputs, {
    duration: { value: 10 },
    size: { value: 600 },
  });
});

const LABELS = {
  ru: {
    create: "🎬 Создать видео",
    wind: "🌬 Ветер в волосах",
    five: "5 сек · 5 токенов",
    low: "низкое · 300 px",
    line: /🎭 Движение: лёгкий ветер развевает волосы/,
  },
  en: {
    create: "🎬 Create video",
    wind: "🌬 Wind in the hair",
    five: "5 s · 5 tokens",
    low: "low · 300 px",
    line: /🎭 Motion: a gentle breeze blows through the hair/,
  },
} as const;

for (const locale of ["ru", "en"] as const) {
  Deno.test(`prompts (${locale}): a preset reaches the workflow`, async () => {
    await using h = await startHarness({
      comfy: { renderMs: 20, saved: FULL_SAVED },
    });
    const l = LABELS[locale];
    const user = h.telegram.user(803, {
      first_name: "Pia",
      language_code: locale,
    });
    await say(h, user, "/start");
    await press(h, user, lastBot(h, user.id).message_id, l.create);
    await sendPhoto(h, user, SAMPLE_JPEG);
    const wizard = lastBot(h, user.id).message_id;
    assert.match(
      message(h, user.id, wizard).text ?? "",
      locale === "ru" ? /шаг 2 из 5/ : /step 2 of 5/,
    );
    await press(h, user, wizard, l.wind);
    await press(h, user, wizard, l.five);
    await press(h, user, wizard, l.low);
    assert.match(message(h, user.id, wizard).text ?? "", l.line);
    const after = h.telegram.lastCallId();
    await press(
      h,
      user,
      wizard,
      locale === "ru" ? "✅ Создать видео" : "✅ Create video",
    );
    await h.telegram.waitForCall("sendVideo", { after });
    await h.app.runner.idle();
    assert.equal(
      h.comfy.requests[0]?.inputs.prompt?.text,
      presetPrompt("wind", locale),
    );
    assert.equal(h.app.ledger.account(user.id)?.tokens, 95);
  });
}

Deno.test("prompts: text typed at the motion step is the prompt", async () => {
  await using h = await startHarness({
    comfy: { renderMs: 20, saved: FULL_SAVED },
  });
  const user = h.telegram.user(804, { first_name: "Ola" });
  await say(h, user, "/start");
  await press(h, user, lastBot(h, user.id).message_id, LABELS.ru.create);
  await sendPhoto(h, user, SAMPLE_JPEG);
  await say(h, user, "камера облетает вокруг");
  const wizard = lastBot(h, user.id).message_id;
  assert.match(message(h, user.id, wizard).text ?? "", /шаг 3 из 5/);
  await press(h, user, wizard, LABELS.ru.five);
  await press(h, user, wizard, LABELS.ru.low);
  assert.match(
    message(h, user.id, wizard).text ?? "",
    /🎭 Движение: камера облетает вокруг/,
  );
  const after = h.telegram.lastCallId();
  await press(h, user, wizard, "✅ Создать видео");
  await h.telegram.waitForCall("sendVideo", { after });
  assert.equal(
    h.comfy.requests[0]?.inputs.prompt?.text,
    "камера облетает вокруг",
  );
});

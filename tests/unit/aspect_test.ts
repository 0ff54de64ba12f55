import assert from "node:assert/strict";
import { encodeCallback, parseCallback } from "../../lib/bot/callback_data.ts";
import { videoSize } from "../../lib/comfy/workflow.ts";
import { aspectFrame, ASPECTS, parseAspect } from "../../lib/media/aspect.ts";
import { advance, type WizardDraft } from "../../lib/wizard/mod.ts";

const AT_CONFIRM: WizardDraft = {
  userId: 1,
  step: "confirm",
  fileId: "F",
  duration: 10,
  quality: "high",
  messageId: 5,
};

Deno.test("advance() takes a ratio on the confirmation only, and confirms with it", () => {
  const picked = advance(AT_CONFIRM, { type: "aspect", aspect: "9:16" });
  assert.equal(picked.kind, "step");
  assert.ok(picked.kind === "step");
  assert.equal(picked.draft.step, "confirm");
  assert.equal(picked.draft.aspect, "9:16");
  assert.deepEqual(advance(picked.draft, { type: "confirm" }), {
    kind: "confirm",
    fileId: "F",
    settings: { duration: 10, quality: "high" },
    aspect: "9:16",
  });
  // "As the photo" confirms without one: the photo's ratio, as before.
  const photo = advance(AT_CONFIRM, { type: "aspect", aspect: "photo" });
  assert.ok(photo.kind === "step");
  assert.equal("aspect" in advance(photo.draft, { type: "confirm" }), false);
  assert.deepEqual(
    advance({ ...AT_CONFIRM, step: "quality" }, {
      type: "aspect",
      aspect: "1:1",
    }),
    { kind: "ignored" },
  );
});

Deno.test("aspect buttons round-trip through callback data; forged ones do not parse", () => {
  for (const aspect of ASPECTS) {
    const data = encodeCallback({
      kind: "wizard",
      nonce: "abcd1234",
      button: { type: "aspect", aspect },
    });
    assert.ok(data.length <= 64);
    assert.deepEqual(parseCallback(data), {
      kind: "wizard",
      nonce: "abcd1234",
      button: { type: "aspect", aspect },
    });
  }
  assert.equal(parseCallback("w:abcd1234:a:4:3"), undefined);
  assert.equal(parseCallback("w:abcd1234:a:916x"), undefined);
  assert.equal(parseAspect("9:16"), "9:16");
  assert.equal(parseAspect("21:9"), undefined);
});

Deno.test("aspectFrame() with videoSize(): the long side kept, the ratio chosen", () => {
  const photo = { width: 1280, height: 960 };
  assert.deepEqual(videoSize(832, aspectFrame("photo", photo), 32), {
    width: 832,
    height: 640,
  });
  assert.deepEqual(videoSize(832, aspectFrame("9:16", photo), 32), {
    width: 480,
    height: 832,
  });
  assert.deepEqual(videoSize(600, aspectFrame("1:1", photo), 16), {
    width: 608,
    height: 608,
  });
  assert.deepEqual(videoSize(832, aspectFrame("16:9", photo), 16), {
    width: 832,
    height: 464,
  });
});

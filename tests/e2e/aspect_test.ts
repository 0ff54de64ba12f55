/**
 * The aspect ratio: picked on the wizard's confirmation (after quality),
 * shown there, and carried to the workflow's size: a plain ComfyUI
 * template's width and height, and a ComfyUI-Connect `$size` node's width
 * and height inputs. The price does not change; quick mode keeps the
 * photo's ratio.
 */

import assert from "node:assert/strict";
import { FakeComfy } from "../fakes/comfyui/mod.ts";
import type { FakeUser } from "../fakes/telegram/mod.ts";
import { SAMPLE_JPEG } from "../fixtures/media.ts";
import { type Harness, startHarness } from "./harness.ts";
import { kinds, lastBot, press, say, sendPhoto } from "./helpers.ts";

// Photo → automatic motion → 10 s → high → 9:16 → ✅; resolves once the
// video was sent. Returns the confirmation's text after the ratio.
async function storyVideo(h: Harness, user: FakeUser): Promise<string> {
  await say(h, user, "/start");
  await press(h, user, lastBot(h, user.id).message_id, "🎬 Create video");
  await sendPhoto(h, user, SAMPLE_JPEG);
  const screen = lastBot(h, user.id);
  await press(h, user, screen.message_id, "🤖 Automatic");
  await press(h, user, screen.message_id, "10 s · 10 tokens");
  await press(h, user, screen.message_id, "high · 832 px");
  const before = lastBot(h, user.id);
  assert.match(String(before.text), /Aspect ratio: As the photo/);
  assert.deepEqual(before.buttons?.[0], [
    "✓ As the photo",
    "9:16",
    "1:1",
    "16:9",
  ]);
  await press(h, user, screen.message_id, "9:16");
  const confirm = lastBot(h, user.id);
  assert.deepEqual(confirm.buttons?.[0], [
    "As the photo",
    "✓ 9:16",
    "1:1",
    "16:9",
  ]);
  const after = h.telegram.lastCallId();
  await press(h, user, screen.message_id, "✅ Create video");
  await h.telegram.waitForCall("sendVideo", { after, timeoutMs: 20_000 });
  await h.app.runner.idle();
  return String(confirm.text);
}

Deno.test("the wizard's 9:16 reaches a plain ComfyUI template's width and height", async () => {
  await using core = await FakeComfy.start({ renderMs: 20 });
  await using h = await startHarness({
    env: { COMFYUI_URLS: `${core.url};kind=core;name=gpu-core` },
  });
  const user = h.telegram.user(7601, { language_code: "en" });
  const text = await storyVideo(h, user);
  assert.match(text, /Aspect ratio: 9:16/);
  assert.match(text, /10 tokens/, "the price is the same");
  // Wan 2.2 5B: long side 832 at "high", rounded to 32 px; 9:16 upright.
  const graph = core.prompts[0]?.graph as Record<
    string,
    { inputs: Record<string, unknown> }
  >;
  assert.deepEqual(
    [graph["55"]?.inputs.width, graph["55"]?.inputs.height],
    [480, 832],
  );
  assert.equal((await h.app.ledger.account(user.id))?.tokens, 90);
  assert.deepEqual(await kinds(h, user.id), ["grant", "hold", "capture"]);
});

Deno.test("the wizard's 9:16 reaches a Connect workflow's $size width and height", async () => {
  await using h = await startHarness({
    comfy: { tags: { image: ["image"], size: ["value", "width", "height"] } },
  });
  const user = h.telegram.user(7602, { language_code: "en" });
  await storyVideo(h, user);
  const [request] = h.comfy.requests;
  assert.ok(request);
  assert.deepEqual(request.body.size, { value: 832, width: 464, height: 832 });
});

Deno.test("quick mode keeps the photo's ratio on a Connect $size node", async () => {
  await using h = await startHarness({
    comfy: { tags: { image: ["image"], size: ["value", "width", "height"] } },
  });
  const user = h.telegram.user(7603, { language_code: "en" });
  h.telegram.sendPhoto(user, SAMPLE_JPEG);
  await h.telegram.waitForCall("sendVideo");
  await h.app.runner.idle();
  const size = h.comfy.requests[0]?.body.size as Record<string, number>;
  // SAMPLE_JPEG is landscape: 600 px wide at "medium".
  assert.equal(size.width, 608);
  assert.ok(Number(size.height) < Number(size.width));
});

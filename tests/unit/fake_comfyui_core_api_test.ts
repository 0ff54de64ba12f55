import assert from "node:assert/strict";
import { SAMPLE_JPEG, SAMPLE_PNG } from "../fixtures/media.ts";
import { FakeComfy } from "../fakes/comfyui/mod.ts";

async function uploadAs(
  comfy: FakeComfy,
  name: string,
  bytes: Uint8Array<ArrayBuffer>,
  overwrite: boolean,
): Promise<unknown> {
  const form = new FormData();
  form.append("image", new Blob([bytes]), name);
  if (overwrite) form.append("overwrite", "true");
  const res = await fetch(`${comfy.url}/api/upload/image`, {
    method: "POST",
    body: form,
  });
  assert.equal(res.status, 200);
  return await res.json();
}

Deno.test("FakeComfy /upload/image renames on a clash unless overwrite", async () => {
  await using comfy = await FakeComfy.start();
  assert.deepEqual(await uploadAs(comfy, "x.jpg", SAMPLE_JPEG, false), {
    name: "x.jpg",
    subfolder: "",
    type: "input",
  });
  const same = await uploadAs(comfy, "x.jpg", SAMPLE_JPEG, false);
  assert.equal((same as { name: string }).name, "x.jpg", "same bytes reused");
  const other = await uploadAs(comfy, "x.jpg", SAMPLE_PNG, false);
  assert.equal((other as { name: string }).name, "x (1).jpg");
  const replaced = await uploadAs(comfy, "x.jpg", SAMPLE_PNG, true);
  assert.equal((replaced as { name: string }).name, "x.jpg");
});

Deno.test("FakeComfy /prompt answers no_prompt and missing_node_type", async () => {
  await using comfy = await FakeComfy.start();
  const post = async (body: unknown) => {
    const res = await fetch(`${comfy.url}/prompt`, {
      method: "POST",
      body: JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };
  const none = await post({});
  assert.equal(none.status, 400);
  assert.equal(none.body.error.type, "no_prompt");
  const missing = await post({
    prompt: { "1": { class_type: "NoSuchNode", inputs: {} } },
  });
  assert.equal(missing.body.error.type, "missing_node_type");
  assert.equal(comfy.prompts.length, 2);
});

Deno.test("FakeComfy kill() refuses connections until revive()", async () => {
  await using comfy = await FakeComfy.start();
  await comfy.kill();
  await assert.rejects(fetch(`${comfy.url}/system_stats`), TypeError);
  comfy.revive();
  const res = await fetch(`${comfy.url}/system_stats`);
  assert.equal(res.status, 200);
  await res.body?.cancel();
});

Deno.test("FakeComfy auth gate answers 401, /ws included", async () => {
  await using comfy = await FakeComfy.start({ auth: { bearer: "b" } });
  const denied = await fetch(`${comfy.url}/ws?clientId=x`);
  assert.equal(denied.status, 401);
  await denied.body?.cancel();
  const ok = await fetch(`${comfy.url}/queue`, {
    headers: { authorization: "Bearer b" },
  });
  assert.equal(ok.status, 200);
  await ok.body?.cancel();
});

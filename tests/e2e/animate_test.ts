import { FULL_SAVED } from "../fakes/comfyui/connect.ts";
/**
 * `lora-bot animate` as an operator runs it: one job through the configured
 * servers, a progress bar in the terminal, the video written to a file.
 */

import assert from "node:assert/strict";
import { ffmpegAvailable } from "../../lib/media/mod.ts";
import { FakeComfy } from "../fakes/comfyui/mod.ts";
import { SAMPLE_JPEG, SAMPLE_MP4 } from "../fixtures/media.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const hasFfmpeg = await ffmpegAvailable();

async function animate(env: Record<string, string>, args: string[]) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", "-A", MAIN, "animate", ...args],
    env: { NO_COLOR: "1", PATH: Deno.env.get("PATH") ?? "", ...env },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: output.code, stderr: new TextDecoder().decode(output.stderr) };
}

Deno.test("animate renders a photo through ComfyUI-Connect into a file", async () => {
  await using comfy = await FakeComfy.start({
    renderMs: 50,
    saved: FULL_SAVED,
  });
  const dir = await Deno.makeTempDir({ prefix: "lora-animate-" });
  try {
    await Deno.writeFile(`${dir}/me.jpg`, SAMPLE_JPEG);
    const result = await animate(
      { COMFYUI_URL: comfy.url, DATA_DIR: dir },
      [
        `${dir}/me.jpg`,
        "--duration",
        "5",
        "--quality",
        "300",
        "-o",
        `${dir}/out.mp4`,
      ],
    );
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(await Deno.readFile(`${dir}/out.mp4`), SAMPLE_MP4);
    assert.match(result.stderr, /\[▓{10}\] 100%/);
    assert.match(result.stderr, /out\.mp4 \(11279 bytes\)/);
    assert.deepEqual(comfy.requests[0]?.inputs, {
      duration: { value: 5 },
      size: { value: 300 },
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("animate explains bad arguments and a dead server", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lora-animate-" });
  try {
    const usage = await animate({ DATA_DIR: dir }, ["--duration", "7"]);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /usage: lora-bot animate/);
    await Deno.writeFile(`${dir}/me.jpg`, SAMPLE_JPEG);
    const dead = await animate(
      { COMFYUI_URL: "http://127.0.0.1:9", DATA_DIR: dir },
      [`${dir}/me.jpg`],
    );
    assert.equal(dead.code, 1);
    assert.match(dead.stderr, /the render failed: .*Cannot reach ComfyUI/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "animate with the preview backend makes a zoom of the photo locally",
  ignore: !hasFfmpeg,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "lora-animate-" });
    try {
      await Deno.writeFile(`${dir}/me.jpg`, SAMPLE_JPEG);
      const result = await animate(
        { COMFYUI_URLS: "preview", DATA_DIR: dir },
        [`${dir}/me.jpg`, "--duration", "5", "--quality", "300"],
      );
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, /preview, not AI/);
      const video = await Deno.readFile(`${dir}/me.mp4`);
      assert.equal(new TextDecoder().decode(video.subarray(4, 8)), "ftyp");
      // A 320x240 photo with the long side at 300 px, even sizes: 300x226.
      const probe = await new Deno.Command("ffprobe", {
        args: [
          "-v",
          "error",
          "-show_entries",
          "stream=width,height,nb_frames",
          "-of",
          "csv=p=0",
          `${dir}/me.mp4`,
        ],
        stdout: "piped",
      }).output();
      assert.equal(
        new TextDecoder().decode(probe.stdout).trim(),
        "300,226,120",
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

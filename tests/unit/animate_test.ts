import assert from "node:assert/strict";
import {
  type AnimateArgs,
  parseAnimateArgs,
  runAnimate,
} from "../../lib/commands/animate.ts";
import type { Clock } from "../../lib/clock.ts";
import { ComfyJobError, type Renderer } from "../../lib/comfy/mod.ts";
import { SAMPLE_JPEG, SAMPLE_MP4 } from "../fixtures/media.ts";
import { spoolFiles, tempSpool } from "../fixtures/spool.ts";

Deno.test("parseAnimateArgs() reads the photo, duration, quality and output", () => {
  assert.deepEqual(
    parseAnimateArgs([
      "me.jpg",
      "--duration",
      "15",
      "--quality",
      "832",
      "-o",
      "x.mp4",
    ]),
    {
      photo: "me.jpg",
      duration: 15,
      sizePx: 832,
      output: "x.mp4",
    },
  );
  assert.deepEqual(parseAnimateArgs(["dir/me.photo.png"]), {
    photo: "dir/me.photo.png",
    duration: 10,
    sizePx: 600,
    output: "dir/me.photo.mp4",
  });
});

Deno.test("parseAnimateArgs() explains every bad argument", () => {
  for (
    const [args, error] of [
      [[], /which photo/],
      [["a.jpg", "--duration", "7"], /5, 10 or 15/],
      [["a.jpg", "--quality", "1080"], /300, 600 or 832/],
      [["a.jpg", "-o"], /needs a value/],
      [["a.jpg", "--loud"], /unknown option/],
      [["a.jpg", "b.jpg"], /only one photo/],
    ] as const
  ) {
    const parsed = parseAnimateArgs(args);
    assert.equal(typeof parsed, "string", JSON.stringify(args));
    assert.match(parsed as string, error);
  }
});

const clock: Clock = { now: () => Date.now(), sleep: () => Promise.resolve() };

async function run(renderer: Renderer) {
  const dir = await Deno.makeTempDir();
  const lines: string[] = [];
  try {
    await Deno.writeFile(`${dir}/in.jpg`, SAMPLE_JPEG);
    const args: AnimateArgs = {
      photo: `${dir}/in.jpg`,
      duration: 5,
      sizePx: 300,
      output: `${dir}/out.mp4`,
    };
    const code = await runAnimate(args, {
      renderer,
      clock,
      print: (l) => lines.push(l),
      status: () => {},
      predictSeconds: 60,
      intervalMs: 1,
    });
    const out = await Deno.readFile(`${dir}/out.mp4`).catch(() => undefined);
    return { code, lines, out };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("runAnimate() writes the video the renderer made", async () => {
  let asked: { durationSeconds: number; sizePx: number } | undefined;
  const spool = tempSpool();
  const { code, out, lines } = await run({
    render: async (request) => {
      asked = request;
      return { file: await spool.write(SAMPLE_MP4), via: "direct" };
    },
    recover: () => Promise.resolve("lost"),
    cancel: () => Promise.resolve(),
  });
  assert.equal(code, 0);
  assert.deepEqual(out, SAMPLE_MP4);
  assert.equal(asked?.durationSeconds, 5);
  assert.equal(asked?.sizePx, 300);
  assert.match(lines.at(-1) ?? "", /out\.mp4 \(11279 bytes\)/);
  assert.deepEqual(await spoolFiles(spool), [], "the spool's copy is gone");
});

Deno.test("runAnimate() reports a failed render with exit code 1", async () => {
  const { code, out, lines } = await run({
    render: () =>
      Promise.reject(
        new ComfyJobError("torch.OutOfMemoryError: Allocation on device"),
      ),
    recover: () => Promise.resolve("lost"),
    cancel: () => Promise.resolve(),
  });
  assert.equal(code, 1);
  assert.equal(out, undefined);
  assert.match(lines.at(-1) ?? "", /OutOfMemoryError/);
});

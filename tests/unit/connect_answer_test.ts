import assert from "node:assert/strict";
import { encodeBase64 } from "../../lib/comfy/base64.ts";
import { readConnectAnswer } from "../../lib/comfy/connect/answer.ts";
import { ComfyOutputError } from "../../lib/comfy/errors.ts";
import { VideoSpool } from "../../lib/comfy/spool.ts";
import {
  parseWorkflowInputs,
  supportChange,
  unknownInputIn,
  type WorkflowSupport,
} from "../../lib/comfy/workflow_inputs.ts";
import { SAMPLE_MP4, SAMPLE_PNG } from "../fixtures/media.ts";

const MP4 = encodeBase64(SAMPLE_MP4);

// The text split into chunks of `size` bytes, as a network would.
function stream(text: string, size: number): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at + size));
      at += size;
    },
  });
}

async function withSpool(
  fn: (spool: VideoSpool, dir: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "lora-answer-" });
  try {
    await fn(new VideoSpool(dir), dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function files(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  return names;
}

const LIMITS = { maxVideoBytes: 1_000_000, maxBodyBytes: 4_000_000 };

Deno.test("readConnectAnswer() reads a bare string, a list, [] and no key", async () => {
  await withSpool(async (spool) => {
    const cases: [string, boolean][] = [
      [`{"status": "success", "result": {"output": "${MP4}"}}`, true],
      [`{"status":"success","result":{"output":["","${MP4}"]}}`, true],
      [`{"status":"success","workflow":"w","result":{"output":[]}}`, false],
      [`{"status":"success","workflow":"w","result":{}}`, false],
    ];
    for (const [text, found] of cases) {
      // 1-byte chunks: every boundary inside the base64 and the keys.
      for (const size of [1, 7, 65536]) {
        const answer = await readConnectAnswer(stream(text, size), {
          spool,
          ...LIMITS,
        });
        assert.equal(answer.status, "success");
        assert.equal(answer.video !== undefined, found, text.slice(0, 50));
        if (answer.video) {
          assert.deepEqual(await Deno.readFile(answer.video.path), SAMPLE_MP4);
          await answer.video.discard();
        }
      }
    }
  });
});

Deno.test("readConnectAnswer() skips an output that is not a video, undoes \\/", async () => {
  await withSpool(async (spool) => {
    const png = encodeBase64(SAMPLE_PNG);
    const text = `{"status":"success","result":{"preview":"${png}",` +
      `"output":"${MP4.replaceAll("/", "\\/")}"}}`;
    const answer = await readConnectAnswer(stream(text, 5), {
      spool,
      ...LIMITS,
    });
    assert.ok(answer.video);
    assert.deepEqual(await Deno.readFile(answer.video.path), SAMPLE_MP4);
    const only = await readConnectAnswer(
      stream(`{"status":"success","result":{"output":"${png}"}}`, 100),
      { spool, ...LIMITS },
    );
    assert.equal(only.video, undefined);
    assert.ok(only.refused instanceof ComfyOutputError);
  });
});

Deno.test("readConnectAnswer() refuses a video over the cap and leaves nothing", async (t) => {
  await withSpool(async (spool, dir) => {
    const text = `{"status":"success","result":{"output":"${MP4}"}}`;
    await t.step("video cap", async () => {
      await assert.rejects(
        readConnectAnswer(stream(text, 1000), {
          spool,
          maxVideoBytes: SAMPLE_MP4.length - 1,
          maxBodyBytes: 1e9,
        }),
        ComfyOutputError,
        "The video is larger than",
      );
    });
    await t.step("body cap", async () => {
      await assert.rejects(
        readConnectAnswer(stream(text, 1000), {
          spool,
          maxVideoBytes: 1e9,
          maxBodyBytes: 5000,
        }),
        ComfyOutputError,
        "larger than 5000 bytes",
      );
    });
    await t.step("not JSON, truncated, not base64", async () => {
      for (
        const bad of [
          "<html>",
          `{"status":"success","result":{"output":"${MP4.slice(0, 100)}`,
          `{"status":"success","result":{"output":"%%%%"}}`,
        ]
      ) {
        await assert.rejects(
          readConnectAnswer(stream(bad, 64), { spool, ...LIMITS }),
          ComfyOutputError,
        );
      }
    });
    assert.deepEqual(await files(dir), []);
  });
});

Deno.test("parseWorkflowInputs() reads the plugin's listing", () => {
  const listing = {
    status: "success",
    workflow: {
      name: "api-video",
      inputs: { image: { image: "str" }, duration: { value: "int" } },
      outputs: ["output"],
    },
  };
  assert.deepEqual(parseWorkflowInputs(listing, "/x"), {
    image: { image: "str" },
    duration: { value: "int" },
  });
  assert.throws(
    () => parseWorkflowInputs({ status: "success" }, "/x"),
    ComfyOutputError,
  );
});

Deno.test("unknownInputIn() reads the plugin's ValueError from a traceback", () => {
  assert.deepEqual(
    unknownInputIn(
      "ValueError: The input 'value' does not exist for tag 'duration' " +
        "(possibly not in the filtered list?).",
    ),
    { tag: "duration", input: "value" },
  );
  assert.deepEqual(
    unknownInputIn("ValueError: No inputs available for tag 'size'. Ensure"),
    { tag: "size", input: undefined },
  );
  assert.equal(
    unknownInputIn("500 Internal Server Error\n\nServer got itself in trouble"),
    undefined,
  );
});

Deno.test("supportChange() logs what is missing once, and when it changes", () => {
  const base: WorkflowSupport = {
    workflow: "api-video",
    source: "listed",
    missing: [{ feature: "duration", ref: "duration.value" }],
    off: [],
    image: true,
  };
  assert.equal(supportChange(undefined, base)?.level, "warn");
  assert.equal(supportChange(undefined, base)?.missing, "duration.value");
  assert.equal(supportChange(base, base), undefined);
  assert.equal(supportChange(base, { ...base, missing: [] })?.level, "info");
  assert.equal(supportChange(undefined, { ...base, missing: [] }), undefined);
  assert.equal(supportChange(base, { ...base, image: false })?.level, "error");
  assert.equal(
    supportChange(undefined, { ...base, source: "unknown" }),
    undefined,
  );
});

import assert from "node:assert/strict";
import { findByInput, pickVideo } from "../../lib/comfy/mod.ts";

const entry = (input: string, outputs: unknown, status = "success") => ({
  prompt: [
    1,
    "id",
    { "10": { class_type: "LoadImage", inputs: { image: input } } },
    {},
    ["9"],
  ],
  outputs,
  status: {
    status_str: status,
    completed: status === "success",
    messages: status === "error"
      ? [["execution_error", {
        exception_type: "torch.OutOfMemoryError",
        exception_message: "Allocation on device \nTIPS: ...",
      }]]
      : [],
  },
});

Deno.test("pickVideo() finds videos under gifs, images or videos", () => {
  assert.deepEqual(
    pickVideo({
      "9": {
        gifs: [{
          filename: "AnimateDiff_00001.mp4",
          subfolder: "video",
          type: "output",
          format: "video/h264-mp4",
        }],
      },
    }),
    { filename: "AnimateDiff_00001.mp4", subfolder: "video", type: "output" },
  );
  assert.equal(
    pickVideo({
      "9": {
        images: [{ filename: "x.mp4", subfolder: "", type: "output" }],
        animated: [true],
      },
    })
      ?.filename,
    "x.mp4",
  );
  // A saved output wins over a temp preview; a still image is no video.
  assert.equal(
    pickVideo({
      "3": { images: [{ filename: "still.png", type: "output" }] },
      "8": { gifs: [{ filename: "preview.webm", type: "temp" }] },
      "9": { videos: [{ filename: "final.mp4", type: "output" }] },
    })?.filename,
    "final.mp4",
  );
  assert.equal(
    pickVideo({ "9": { images: [{ filename: "a.png" }] } }),
    undefined,
  );
  assert.equal(pickVideo("garbage"), undefined);
});

Deno.test("findByInput() picks the entry that loaded our input file only", () => {
  const history = {
    a: entry("input_telegram_1_100.jpg", {
      "9": { gifs: [{ filename: "a.mp4", type: "output" }] },
    }),
    b: entry("input_telegram_2_200.jpg", {
      "9": { gifs: [{ filename: "b.mp4", type: "output" }] },
    }),
  };
  assert.equal(
    findByInput(history, "input_telegram_2_200.jpg")?.video?.filename,
    "b.mp4",
  );
  assert.equal(findByInput(history, "input_telegram_2_20.jpg"), undefined);
  assert.equal(findByInput(null, "x"), undefined);
});

Deno.test("findByInput() reports ComfyUI's execution error", () => {
  const found = findByInput(
    { c: entry("input_x.jpg", {}, "error") },
    "input_x.jpg",
  );
  assert.equal(found?.error, "torch.OutOfMemoryError: Allocation on device ");
  assert.equal(found?.video, undefined);
});

import assert from "node:assert/strict";
import { mp4Dimensions } from "../../lib/media/mp4_header.ts";
import { parseFfmpegInfo, probeVideo } from "../../lib/media/video_shape.ts";
import { SAMPLE_MP4 } from "../fixtures/media.ts";

const FFMPEG_REPORT = `Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'in.mp4':
  Duration: 00:00:05.04, start: 0.000000, bitrate: 45 kb/s
  Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(progressive), 832x480 [SAR 1:1 DAR 26:15], 41 kb/s, 16 fps
Output #0, mjpeg, to 'out.jpg':
  Stream #0:0: Video: mjpeg, yuvj420p(pc, progressive), 320x184, q=2-31
`;

Deno.test("parseFfmpegInfo() reads the input's size and duration, not the output's", () => {
  assert.deepEqual(parseFfmpegInfo(FFMPEG_REPORT), {
    width: 832,
    height: 480,
    duration: 5,
  });
  assert.equal(parseFfmpegInfo("in.mp4: Invalid data found"), undefined);
});

Deno.test("mp4Dimensions() reads tkhd and mvhd; a file without moov gives undefined", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeFile(`${dir}/a.mp4`, SAMPLE_MP4);
    assert.deepEqual(await mp4Dimensions(`${dir}/a.mp4`), {
      width: 160,
      height: 120,
      duration: 2,
    });
    // Cut before the moov box (the sample keeps it at the end).
    await Deno.writeFile(`${dir}/b.mp4`, SAMPLE_MP4.subarray(0, 64));
    assert.equal(await mp4Dimensions(`${dir}/b.mp4`), undefined);
    await Deno.writeFile(`${dir}/c.mp4`, new Uint8Array(3));
    assert.equal(await mp4Dimensions(`${dir}/c.mp4`), undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("probeVideo() without ffmpeg: the header's shape, no thumbnail; a failing ffmpeg: the same", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/a.mp4`;
    await Deno.writeFile(path, SAMPLE_MP4);
    const tempPath = () => Promise.resolve(`${dir}/thumb.jpg`);
    const header = { width: 160, height: 120, duration: 2 };
    assert.deepEqual(
      await probeVideo(path, { ffmpeg: undefined, tempPath }),
      header,
    );
    const failing = await probeVideo(path, {
      ffmpeg: "ffmpeg",
      tempPath,
      run: () => Promise.resolve({ code: 1, stderr: "boom" }),
    });
    assert.deepEqual(failing, header);
    // A run that never ends is aborted by its timeout, which rejects.
    const stuck = await probeVideo(path, {
      ffmpeg: "ffmpeg",
      tempPath,
      run: (_program, _args, signal) => {
        assert.ok(signal, "ffmpeg runs with a timeout");
        return Promise.reject(new DOMException("timed out", "TimeoutError"));
      },
    });
    assert.deepEqual(stuck, header);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

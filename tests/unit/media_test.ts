import assert from "node:assert/strict";
import { decodeBase64 } from "../../lib/comfy/mod.ts";
import {
  checkDimensions,
  detectImage,
  detectVideo,
  imageDimensions,
} from "../../lib/media/detect.ts";
import { SAMPLE_JPEG, SAMPLE_MP4, SAMPLE_PNG } from "../fixtures/media.ts";

// 70×50 lossy and 70×32 lossless WebP made by ffmpeg (libwebp).
const WEBP_LOSSY = decodeBase64(
  "UklGRl4AAABXRUJQVlA4IFIAAAAwBACdASpGADIAPpFIoEylpCMiIagAsBIJaQDUBoAADbeMV+dOnTp02AAA/u7T3/+xZy2BeP//ucD/ucD/ucD+NqMSEnUwlep0kye1gDWQAAAA",
);
const WEBP_LOSSLESS = decodeBase64(
  "UklGRiIAAABXRUJQVlA4TBUAAAAvRcAHAAcQ9Y/+B4CE8H+9GNH/1AMA",
);

Deno.test("detectImage() and detectVideo() go by content, not by name", () => {
  assert.equal(detectImage(SAMPLE_JPEG), "jpeg");
  assert.equal(detectImage(SAMPLE_PNG), "png");
  assert.equal(detectImage(WEBP_LOSSY), "webp");
  assert.equal(detectImage(SAMPLE_MP4), undefined);
  assert.equal(detectImage(new TextEncoder().encode("<html>")), undefined);
  assert.equal(detectVideo(SAMPLE_MP4), "mp4");
  assert.equal(detectVideo(SAMPLE_JPEG), undefined);
  assert.equal(detectVideo(new Uint8Array([0x1a, 0x45, 0xdf, 0xa3])), "webm");
});

Deno.test("imageDimensions() reads JPEG, PNG and WebP headers", () => {
  assert.deepEqual(imageDimensions(SAMPLE_JPEG), { width: 320, height: 240 });
  assert.deepEqual(imageDimensions(SAMPLE_PNG), { width: 8, height: 8 });
  assert.deepEqual(imageDimensions(WEBP_LOSSY), { width: 70, height: 50 });
  assert.deepEqual(imageDimensions(WEBP_LOSSLESS), { width: 70, height: 32 });
});

Deno.test("imageDimensions() rejects corrupt and truncated images", () => {
  assert.equal(imageDimensions(SAMPLE_JPEG.slice(0, 40)), undefined);
  const broken = SAMPLE_JPEG.slice();
  broken[2] = 0x00; // the first marker no longer starts with 0xFF
  assert.equal(imageDimensions(broken), undefined);
  assert.equal(imageDimensions(new Uint8Array([0xff, 0xd8, 0xff])), undefined);
  assert.equal(imageDimensions(new Uint8Array()), undefined);
  // A fuzz of random truncations and byte flips never throws.
  let seed = 7;
  const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  for (let i = 0; i < 2000; i++) {
    const copy = SAMPLE_JPEG.slice(
      0,
      Math.floor(random() * SAMPLE_JPEG.length),
    );
    if (copy.length > 4) {
      copy[Math.floor(random() * copy.length)] = Math.floor(random() * 256);
    }
    imageDimensions(copy);
  }
});

Deno.test("checkDimensions() refuses tiny and huge images", () => {
  assert.equal(checkDimensions({ width: 320, height: 240 }), undefined);
  assert.equal(checkDimensions({ width: 8, height: 8 }), "too_small");
  assert.equal(checkDimensions({ width: 4000, height: 63 }), "too_small");
  assert.equal(checkDimensions({ width: 10_000, height: 5_000 }), "too_large");
});

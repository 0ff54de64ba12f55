/**
 * The same-run memory baseline of bench/connect_bench.ts: ComfyUI-Connect
 * answers read the way lora-bot read them before #13 (the whole body as
 * one string, `JSON.parse`, then the base64 decoded at once), one job per
 * server at the same time, each video written to a file. Prints its peak
 * RSS as one JSON line. Not meant to be started by hand.
 *
 * Usage: connect_read_child.ts URL[,URL...] DIR
 */

import { decodeBase64, encodeBase64 } from "../lib/comfy/base64.ts";
import { SAMPLE_JPEG } from "../tests/fixtures/media.ts";

const [urls = "", dir = "."] = Deno.args;
let peakRss = Deno.memoryUsage().rss;
const timer = setInterval(() => {
  peakRss = Math.max(peakRss, Deno.memoryUsage().rss);
}, 50);
const idleRss = Deno.memoryUsage().rss;

async function job(url: string, n: number): Promise<void> {
  const response = await fetch(`${url}/api/connect/workflows/api-video`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      image: {
        image: {
          type: "file",
          content: encodeBase64(SAMPLE_JPEG),
          name: `input_old_${n}.jpg`,
        },
      },
    }),
  });
  const answer = JSON.parse(await response.text());
  const video = decodeBase64(String(answer.result.output));
  await Deno.writeFile(`${dir}/video-${n}.mp4`, video);
}

await Promise.all(urls.split(",").map((url, n) => job(url, n)));
clearInterval(timer);
Deno.stdout.writeSync(
  new TextEncoder().encode(JSON.stringify({ idleRss, peakRss }) + "\n"),
);

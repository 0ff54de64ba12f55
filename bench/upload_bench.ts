/**
 * Uploads: 20 accounts each send two 20 MB files that claim to be images
 * (documents with `image/jpeg`), all at once, to the real bot in its own
 * process (bench/bot_process.ts). Its peak RSS, against its own idle RSS
 * in the same run, for two kinds of file:
 *
 * - `notImage`: no image at all; refused from the first 64 KB, the rest is
 *   never pulled;
 * - `sizeAfterHead`: a JPEG whose size (30000x20000, too large) sits near
 *   its end, behind APP1 segments: each is downloaded whole before it is
 *   refused, so this is the bound MAX_PHOTO_DOWNLOADS gives.
 *
 * Before the fix (#14) 18 such accounts took the bot from 56 MB to 1.2 GB.
 *
 * Usage: deno task bench, or
 *   deno run --allow-net=127.0.0.1 --allow-read --allow-write --allow-env \
 *     --allow-run --allow-sys=systemMemoryInfo bench/upload_bench.ts
 */

import { FakeTelegram } from "../tests/fakes/telegram/mod.ts";
import { spawnBot } from "./bot_child.ts";
import { lineReader, note, printReport, round, waitUntil } from "./common.ts";

const MB = 1024 * 1024;
const ACCOUNTS = 20;
const FILES_EACH = 2;
const FILE_BYTES = 20 * MB - 1;
const IDLE_MS = 1000;

/** 20 MB of no image at all. */
function notImage(): Uint8Array {
  return new Uint8Array(FILE_BYTES).fill(0x41);
}

/**
 * A JPEG whose start-of-frame (30000x20000) lies near its end, behind 300
 * APP1 segments of 64 KB: it passes the head check and is read whole.
 */
function sizeAfterHead(): Uint8Array {
  const bytes = new Uint8Array(FILE_BYTES);
  bytes.set([0xff, 0xd8]); // SOI
  let at = 2;
  for (let i = 0; i < 300; i++) {
    bytes.set([0xff, 0xe1, 0xff, 0xff], at); // APP1 of 65535 bytes
    at += 2 + 0xffff;
  }
  bytes.set([0xff, 0xc0, 0x00, 0x11, 0x08, 0x4e, 0x20, 0x75, 0x30, 0x03], at);
  return bytes;
}

/** One run's figures. */
interface UploadRun {
  readonly files: number;
  readonly seconds: number;
  readonly idleRssMB: number;
  readonly peakRssMB: number;
  readonly peakToIdle: number;
  readonly downloads: number;
  readonly pulledMBPerDownload: number;
  readonly refusals: number;
  readonly cooldownAnswers: number;
}

function mb(bytes: number): number {
  return round(bytes / MB, 1);
}

async function runUploads(file: Uint8Array): Promise<UploadRun> {
  const telegram = await FakeTelegram.start({ recordFileBytes: false });
  const dataDir = await Deno.makeTempDir({ prefix: "lora-bench-upload-" });
  const child = spawnBot({
    BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    // Never reached: every file is refused before a job exists.
    COMFYUI_URL: "http://127.0.0.1:9",
    DATA_DIR: dataDir,
  });
  const line = lineReader(child.stdout);
  const stdin = child.stdin.getWriter();
  try {
    if (await line(30_000) !== "ready") {
      throw new Error("the bot did not start");
    }
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    const start = performance.now();
    const users = Array.from(
      { length: ACCOUNTS },
      (_, i) => telegram.user(600_000 + i, { language_code: "en" }),
    );
    for (const user of users) {
      for (let i = 0; i < FILES_EACH; i++) {
        telegram.sendDocument(user, file, {
          fileName: `photo${i}.jpg`,
          mimeType: "image/jpeg",
        });
      }
    }
    const answers = () =>
      telegram.callsOf("sendMessage").filter((c) =>
        /cannot make a video|next photo/.test(String(c.params.text))
      );
    await waitUntil(
      () => answers().length >= ACCOUNTS * FILES_EACH,
      120_000,
      "every file answered",
    );
    const seconds = (performance.now() - start) / 1000;
    await stdin.write(new TextEncoder().encode("stop\n"));
    const report = JSON.parse(await line(60_000)) as {
      idleRss: number;
      peakRss: number;
    };
    const pulled = telegram.downloads.reduce((sum, d) => sum + d.sent, 0);
    return {
      files: ACCOUNTS * FILES_EACH,
      seconds: round(seconds, 1),
      idleRssMB: mb(report.idleRss),
      peakRssMB: mb(report.peakRss),
      peakToIdle: round(report.peakRss / report.idleRss, 2),
      downloads: telegram.downloads.length,
      pulledMBPerDownload: mb(pulled / Math.max(1, telegram.downloads.length)),
      refusals: answers().filter((c) =>
        /cannot make a video/.test(String(c.params.text))
      ).length,
      cooldownAnswers: answers().filter((c) =>
        /next photo/.test(String(c.params.text))
      ).length,
    };
  } finally {
    await stdin.close().catch(() => {});
    await child.status;
    await telegram.close();
    await Deno.remove(dataDir, { recursive: true });
  }
}

if (import.meta.main) {
  note(
    `uploads: ${ACCOUNTS} accounts x ${FILES_EACH} files of 20 MB, no image`,
  );
  const notImageRun = await runUploads(notImage());
  note("uploads: the same, JPEGs whose size sits near their end");
  const sizeAfterHeadRun = await runUploads(sizeAfterHead());
  printReport("uploads", {
    accounts: ACCOUNTS,
    filesEach: FILES_EACH,
    fileMB: mb(FILE_BYTES),
    goalPeakRssMB: 300,
    notImage: notImageRun,
    sizeAfterHead: sizeAfterHeadRun,
  });
}

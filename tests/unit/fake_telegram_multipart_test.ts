import assert from "node:assert/strict";
import {
  indexOfBytes,
  MultipartError,
  readMultipart,
  searcher,
} from "../fakes/telegram/multipart.ts";

const BOUNDARY = "grammy0123456789abcdef";
const enc = new TextEncoder();

// A body as grammY writes it: unquoted file names, a near-miss of the
// delimiter inside the file.
function body(file: Uint8Array): Uint8Array {
  const head = enc.encode(
    `--${BOUNDARY}\r\ncontent-disposition:form-data;name="chat_id"\r\n\r\n42` +
      `\r\n--${BOUNDARY}\r\ncontent-disposition:form-data;name="caption"` +
      `\r\n\r\nПривет, "мир"` +
      `\r\n--${BOUNDARY}\r\ncontent-disposition:form-data;name="a1b2";` +
      `filename=video.mp4\r\ncontent-type:application/octet-stream\r\n\r\n`,
  );
  const tail = enc.encode(`\r\n--${BOUNDARY}--\r\n`);
  const out = new Uint8Array(head.length + file.length + tail.length);
  out.set(head);
  out.set(file, head.length);
  out.set(tail, head.length + file.length);
  return out;
}

function chunked(bytes: Uint8Array, size: (i: number) => number) {
  let at = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      const n = Math.max(1, size(at));
      controller.enqueue(bytes.slice(at, at + n));
      at += n;
    },
  });
}

const FILE = (() => {
  const near = enc.encode(`\r\n--${BOUNDARY.slice(0, 10)}\r\n--`);
  const file = new Uint8Array(5000).map((_, i) => (i * 7) % 256);
  file.set(near, 100);
  file.set(near, 4990 - near.length);
  return file;
})();

Deno.test("readMultipart reads fields and files whatever the chunking", async () => {
  const bytes = body(FILE);
  for (
    const size of [() => 1, () => 7, (i: number) => (i % 97) + 1, () => 1e6]
  ) {
    const parts = await readMultipart(chunked(bytes, size), BOUNDARY, true);
    assert.deepEqual(parts.map((p) => [p.name, p.value, p.filename]), [
      ["chat_id", "42", undefined],
      ["caption", 'Привет, "мир"', undefined],
      ["a1b2", undefined, "video.mp4"],
    ]);
    assert.equal(parts[2]?.type, "application/octet-stream");
    assert.deepEqual(parts[2]?.bytes, FILE);
    assert.equal(parts[2]?.size, FILE.length);
  }
});

Deno.test("readMultipart without keepFiles counts a file's bytes only", async () => {
  const parts = await readMultipart(
    chunked(body(FILE), () => 333),
    BOUNDARY,
    false,
  );
  assert.equal(parts[2]?.size, FILE.length);
  assert.equal(parts[2]?.bytes, undefined);
  assert.equal(parts[0]?.value, "42", "fields are kept");
});

Deno.test("readMultipart agrees with request.formData() on a FormData body", async () => {
  const form = new FormData();
  form.set("text", "a\r\nb");
  form.set("photo", new File([FILE], "x y.jpg", { type: "image/jpeg" }));
  const request = new Request("http://127.0.0.1/", {
    method: "POST",
    body: form,
  });
  const boundary = /boundary=(.+)$/.exec(
    request.headers.get("content-type") ?? "",
  )?.[1] ?? "";
  const parts = await readMultipart(
    request.body ?? chunked(FILE, () => 1),
    boundary,
    true,
  );
  assert.deepEqual(parts.map((p) => [p.name, p.value ?? p.filename, p.type]), [
    ["text", "a\r\nb", ""],
    ["photo", "x y.jpg", "image/jpeg"],
  ]);
  assert.deepEqual(parts[1]?.bytes, FILE);
});

Deno.test("readMultipart refuses a truncated body", async () => {
  const bytes = body(FILE).subarray(0, 300);
  await assert.rejects(
    readMultipart(chunked(bytes, () => 64), BOUNDARY, true),
    MultipartError,
  );
});

Deno.test("searcher and indexOfBytes find the first occurrence", () => {
  const needle = enc.encode("\r\n--abc");
  const hay = enc.encode("xx\r\n--ab\r\n--abc\r\n--abc");
  assert.equal(searcher(needle)(hay), 8);
  assert.equal(indexOfBytes(hay, needle), 8);
  assert.equal(searcher(needle)(enc.encode("\r\n--ab")), -1);
  assert.equal(indexOfBytes(enc.encode("\r\n--ab"), needle), -1);
});

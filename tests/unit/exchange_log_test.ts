import assert from "node:assert/strict";
import { exchangeLoggingFetch } from "../../lib/comfy/exchange_log.ts";
import { shapeOf, ShapeScanner } from "../../lib/comfy/json_shape.ts";
import { createLogger } from "../../lib/log.ts";

Deno.test("shapeOf() shows keys and nesting, never values", () => {
  assert.equal(
    shapeOf({ status: "success", result: { output: ["AAAA", "BBBB"] } }),
    "{status,result:{output:[2]}}",
  );
  assert.equal(shapeOf({ a: { b: { c: { d: 1 } } } }), "{a:{b:{c:{…}}}}");
  const many = Object.fromEntries(
    [...Array(14).keys()].map((i) => [`k${i}`, i]),
  );
  assert.match(shapeOf(many), /,k11,…2\}$/);
  assert.equal(shapeOf("secret text"), "string");
});

Deno.test("exchangeLoggingFetch() logs endpoint, status, keys, sizes and time, no secrets", async () => {
  const lines: string[] = [];
  const log = createLogger({ level: "debug", sink: (l) => lines.push(l) });
  let t = 1000;
  const base64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB";
  const inner: typeof fetch = (_input, _init) => {
    t += 250;
    return Promise.resolve(
      Response.json({ status: "success", result: { output: [base64] } }),
    );
  };
  const wrapped = exchangeLoggingFetch(inner, log, () => t);
  const body = JSON.stringify({
    image: { image: { type: "file", content: base64, name: "in.png" } },
    duration: { value: 5 },
    prompt: { text: "a private motion prompt" },
  });
  const response = await wrapped(
    "http://gpu.local:8188/api/connect/workflows/api-video?token=comfysecret",
    { method: "POST", body, headers: { authorization: "Bearer authsecret" } },
  );
  // The caller still gets the whole body.
  assert.deepEqual((await response.json()).result.output, [base64]);
  assert.equal(lines.length, 1);
  const line = lines[0] ?? "";
  assert.equal(
    line,
    "DEBUG comfyui POST endpoint=gpu.local:8188/api/connect/workflows/api-video" +
      ` sent=${body.length}` +
      ' sentKeys="{image:{image:{type,content,name}},duration:{value},prompt:{text}}"' +
      ` status=200 ms=250 bytes=${
        JSON.stringify({ status: "success", result: { output: [base64] } })
          .length
      }` +
      ' keys="{status,result:{output:[1]}}"',
  );
  for (const secret of [base64, "comfysecret", "authsecret", "private"]) {
    assert.ok(!line.includes(secret), secret);
  }
});

Deno.test("exchangeLoggingFetch() logs a failed request by error name only", async () => {
  const lines: string[] = [];
  const log = createLogger({ level: "debug", sink: (l) => lines.push(l) });
  const inner: typeof fetch = () =>
    Promise.reject(
      new TypeError("error sending request for url (http://h/?token=s3cret)"),
    );
  const wrapped = exchangeLoggingFetch(inner, log, () => 0);
  await assert.rejects(
    wrapped("http://h/system_stats?token=s3cret"),
    TypeError,
  );
  assert.deepEqual(lines, [
    "DEBUG comfyui GET failed endpoint=h/system_stats ms=0 error=TypeError",
  ]);
});

Deno.test("exchangeLoggingFetch() gives a video's type and length, not its bytes", async () => {
  const lines: string[] = [];
  const log = createLogger({ level: "debug", sink: (l) => lines.push(l) });
  const inner: typeof fetch = () =>
    Promise.resolve(
      new Response(new Uint8Array(3000), {
        headers: { "content-type": "video/mp4", "content-length": "3000" },
      }),
    );
  const wrapped = exchangeLoggingFetch(inner, log, () => 0);
  const response = await wrapped("http://h/view?filename=x.mp4");
  assert.equal((await response.arrayBuffer()).byteLength, 3000);
  assert.deepEqual(lines, [
    "DEBUG comfyui GET endpoint=h/view status=200 ms=0 type=video/mp4 bytes=3000",
  ]);
});

Deno.test("ShapeScanner reads the shape shapeOf() gives, in any chunks", () => {
  const many = Object.fromEntries(
    [...Array(14).keys()].map((i) => [`k${i}`, { v: i }]),
  );
  const documents: unknown[] = [
    { status: "success", workflow: "w", result: { output: "QUJD" } },
    { result: { output: ["a", "b", "c"] }, empty: [], none: {} },
    { a: { b: { c: { d: 1 } } }, e: [{ f: 1 }, [2, 3], "x"] },
    { 'tricky "key"': 'a } ] , " \\ value', "ключ": null, t: true, n: -1.5e3 },
    many,
    [1, { a: 2 }],
    "secret text",
    42,
    false,
    null,
  ];
  const encoder = new TextEncoder();
  for (const doc of documents) {
    const text = JSON.stringify(doc, null, doc === many ? 2 : 0);
    for (const size of [1, 3, 7, text.length]) {
      const scanner = new ShapeScanner();
      const bytes = encoder.encode(text);
      for (let at = 0; at < bytes.length; at += size) {
        scanner.pushBytes(bytes.subarray(at, at + size));
      }
      assert.equal(scanner.shape(), shapeOf(doc), `${text} by ${size}`);
    }
    const scanner = new ShapeScanner();
    scanner.pushText(text);
    assert.equal(scanner.shape(), shapeOf(doc), text);
  }
  const broken = (text: string) => {
    const scanner = new ShapeScanner();
    scanner.pushText(text);
    return scanner.shape();
  };
  assert.equal(broken('{"status":"suc'), "truncated");
  assert.equal(broken("<html>500 Internal Server Error</html>"), "not JSON");
  assert.equal(broken('{"a":1]'), "not JSON");
  assert.equal(broken('{"a":1} {"b":2}'), "not JSON");
  assert.equal(broken(""), "not JSON");
});

Deno.test("exchangeLoggingFetch() passes a large JSON answer on as it streams", async () => {
  const lines: string[] = [];
  const log = createLogger({ level: "debug", sink: (l) => lines.push(l) });
  let push: ((text: string) => void) | undefined;
  let end: (() => void) | undefined;
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      push = (text) => controller.enqueue(encoder.encode(text));
      end = () => controller.close();
    },
  });
  const inner: typeof fetch = () =>
    Promise.resolve(
      new Response(body, { headers: { "content-type": "application/json" } }),
    );
  const wrapped = exchangeLoggingFetch(inner, log, () => 0);
  const response = await wrapped("http://gpu/api/connect/workflows/w", {
    method: "POST",
  });
  // The caller has the answer's start before its end exists.
  const head = '{"status":"success","result":{"output":"';
  const tail = "QUJD".repeat(1000) + '"}}';
  push?.(head);
  const reader = response.body?.getReader();
  const first = await reader?.read();
  assert.equal(
    new TextDecoder().decode(first?.value),
    '{"status":"success","result":{"output":"',
  );
  assert.deepEqual(lines, [], "logged only once the body is read");
  push?.(tail);
  end?.();
  while (!(await reader?.read())?.done) { /* drain */ }
  assert.deepEqual(lines, [
    "DEBUG comfyui POST endpoint=gpu/api/connect/workflows/w status=200 ms=0" +
    ` bytes=${head.length + tail.length} keys="{status,result:{output}}"`,
  ]);
});

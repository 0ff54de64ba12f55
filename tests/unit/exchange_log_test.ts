import assert from "node:assert/strict";
import { exchangeLoggingFetch, shapeOf } from "../../lib/exchange_log.ts";
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

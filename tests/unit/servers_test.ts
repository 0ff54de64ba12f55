import assert from "node:assert/strict";
import {
  parseServer,
  parseServers,
  ServerSpecError,
} from "../../lib/comfy/pool/servers.ts";

Deno.test("parseServer() reads a URL with its settings", () => {
  assert.deepEqual(
    parseServer(
      "https://gpu.example:8443/;kind=core;concurrency=2;auth=Bearer s3cret;name=gpu-a",
    ),
    {
      name: "gpu-a",
      kind: "core",
      url: "https://gpu.example:8443",
      concurrency: 2,
      headers: { authorization: "Bearer s3cret" },
      token: undefined,
    },
  );
  const plain = parseServer("http://127.0.0.1:8188");
  assert.equal(plain.kind, "connect");
  assert.equal(plain.name, "127.0.0.1:8188");
  assert.equal(parseServer("http://h:1;token=abc").token, "abc");
  assert.equal(parseServer("preview").kind, "preview");
});

Deno.test("parseServer() refuses bad entries without echoing secrets", () => {
  for (
    const entry of [
      "ftp://x",
      "not a url",
      "http://h;kind=gpu",
      "http://h;concurrency=0",
      "http://h;concurrency=two",
      "http://h;colour=red",
      "http://h;auth",
      "http://h;kind=preview",
    ]
  ) {
    assert.throws(() => parseServer(entry), ServerSpecError, entry);
  }
  assert.throws(
    () => parseServer("ftp://x;auth=Bearer TOPSECRET"),
    (e: unknown) =>
      e instanceof ServerSpecError && !e.message.includes("TOPSECRET"),
  );
});

Deno.test("parseServers() needs unique names and keeps preview apart", () => {
  assert.equal(parseServers("http://a:1, http://b:1;kind=core").length, 2);
  assert.throws(
    () => parseServers("http://a:1,http://a:1"),
    /two servers are named/,
  );
  assert.throws(() => parseServers("preview,http://a:1"), /not AI/);
  assert.throws(() => parseServers(" , "), /no server/);
});

/**
 * The HTTP gate on loopback with short limits: a client that never
 * finishes its request head, or falls silent, is closed; a full gate makes
 * room by closing the oldest half-open connection.
 */

import assert from "node:assert/strict";
import { silentLogger } from "../../lib/log.ts";
import { startGate } from "../../lib/http/gate.ts";

async function withGate(
  limits: { maxConnections: number; headerMs: number; idleMs: number },
  fn: (port: number) => Promise<void>,
): Promise<void> {
  await using server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => new Response("ok"),
  );
  const gate = startGate({
    hostname: "127.0.0.1",
    port: 0,
    upstream: () => server.addr,
    maxConnections: limits.maxConnections,
    headerTimeoutMs: limits.headerMs,
    idleTimeoutMs: limits.idleMs,
    log: silentLogger,
  });
  try {
    await fn(gate.port);
  } finally {
    await gate.close();
    gate.closeAll();
  }
}

// Resolves when the peer closes the connection (read gives EOF or fails).
async function closedByPeer(conn: Deno.Conn): Promise<boolean> {
  const buffer = new Uint8Array(4096);
  try {
    // Bounded: the gate's timeouts close the connection.
    for (let i = 0; i < 1000; i++) {
      if (await conn.read(buffer) === null) return true;
    }
    return false;
  } catch {
    return true;
  }
}

const HEAD = new TextEncoder().encode("GET / HTTP/1.1\r\nHost: x\r\n");

Deno.test("startGate() closes a connection whose head never ends", async () => {
  await withGate(
    { maxConnections: 8, headerMs: 100, idleMs: 10_000 },
    async (port) => {
      using conn = await Deno.connect({ hostname: "127.0.0.1", port });
      await conn.write(HEAD);
      const started = Date.now();
      assert.ok(await closedByPeer(conn));
      assert.ok(Date.now() - started < 5_000);
    },
  );
});

Deno.test("startGate() serves a request and closes the idle keep-alive", async () => {
  await withGate(
    { maxConnections: 8, headerMs: 10_000, idleMs: 200 },
    async (port) => {
      using conn = await Deno.connect({ hostname: "127.0.0.1", port });
      await conn.write(new TextEncoder().encode(
        "GET / HTTP/1.1\r\nHost: x\r\n\r\n",
      ));
      const buffer = new Uint8Array(4096);
      const n = await conn.read(buffer) ?? 0;
      assert.match(new TextDecoder().decode(buffer.subarray(0, n)), /200 OK/);
      // Keep-alive, then silence: the idle timeout ends it.
      assert.ok(await closedByPeer(conn));
    },
  );
});

Deno.test("startGate() when full closes the oldest half-open connection", async () => {
  await withGate(
    { maxConnections: 2, headerMs: 60_000, idleMs: 60_000 },
    async (port) => {
      using first = await Deno.connect({ hostname: "127.0.0.1", port });
      await first.write(HEAD);
      using second = await Deno.connect({ hostname: "127.0.0.1", port });
      await second.write(HEAD);
      const response = await fetch(`http://127.0.0.1:${port}/`);
      assert.equal(await response.text(), "ok");
      assert.ok(await closedByPeer(first), "the oldest made room");
    },
  );
});

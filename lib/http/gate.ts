/**
 * The TCP front of the HTTP server. `Deno.serve` has no connection cap,
 * no header or idle timeout, and its accept loop ends the server on the
 * first accept error: 400 half-open connections under `ulimit -n 256`
 * ("Too many open files") stopped it for good. So HTTP_PORT is our own
 * accept loop, which
 * - survives accept errors (logged, then a short pause: EMFILE clears
 *   when connections close),
 * - keeps at most HTTP_MAX_CONNECTIONS open: when full, the oldest one
 *   still sending its request head is closed for the new one, or else
 *   the new one is closed at once,
 * - closes one whose request head does not arrive within the header
 *   timeout, or that stays silent both ways for the idle timeout,
 * and hands every connection it keeps, bytes unchanged, to `Deno.serve`
 * listening on an ephemeral loopback port. A connection costs one file
 * descriptor until its head is complete, three while a request runs.
 *
 * @module
 */

import type { Logger } from "../log.ts";

/** Limits of {@link startGate}. */
export interface GateLimits {
  readonly maxConnections: number;
  /** From accepting to the end of the first request head. */
  readonly headerTimeoutMs: number;
  /** Silence in both directions that ends a connection. */
  readonly idleTimeoutMs: number;
}

/** Options of {@link startGate}. */
export interface GateOptions extends GateLimits {
  readonly hostname: string;
  readonly port: number;
  /** Where kept connections go (the internal `Deno.serve`), read per use. */
  readonly upstream: () => Deno.NetAddr;
  readonly log: Logger;
}

/** A listening gate. */
export interface Gate {
  readonly port: number;
  /** Connections open now. */
  readonly open: number;
  /** Stops accepting; `closeAll` also ends the connections still open. */
  close(): Promise<void>;
  closeAll(): void;
}

// A request head larger than this is refused (Deno.serve's own limit is
// larger; a webhook update or a dashboard request is far smaller).
const MAX_HEAD_BYTES = 64 * 1024;
// Pause after an accept error, so EMFILE does not spin the loop.
const ACCEPT_PAUSE_MS = 100;
// At most one warning per kind this often (with how many happened).
const WARN_EVERY_MS = 10_000;

/** Listens on `hostname:port` (throws AddrInUse like `Deno.serve`). */
export function startGate(options: GateOptions): Gate {
  const listener = Deno.listen({
    hostname: options.hostname,
    port: options.port,
  });
  const conns = new Set<Deno.Conn>();
  // Connections whose request head has not arrived, oldest first.
  const waiting = new Set<Deno.Conn>();
  const warn = limitedWarn(options.log);
  let closed = false;
  const loop = (async () => {
    // Bounded by close(): accept() then fails and `closed` is set.
    for (let i = 0; i < Number.MAX_SAFE_INTEGER; i++) {
      let conn: Deno.Conn;
      try {
        conn = await listener.accept();
      } catch (error) {
        if (closed) return;
        warn("http accept failed; retrying", error);
        await new Promise((resolve) => setTimeout(resolve, ACCEPT_PAUSE_MS));
        continue;
      }
      if (conns.size >= options.maxConnections) {
        // Full: the oldest connection still sending its head makes room
        // (slowloris holds those), else the new one is turned away.
        const [oldest] = waiting;
        warn("http connections at the limit", undefined);
        if (oldest === undefined) {
          conn.close();
          continue;
        }
        waiting.delete(oldest);
        closeQuietly(oldest);
      }
      conns.add(conn);
      waiting.add(conn);
      serveConn(conn, options, () => waiting.delete(conn)).catch(() => {})
        .finally(() => {
          conns.delete(conn);
          waiting.delete(conn);
        });
    }
  })();
  return {
    port: (listener.addr as Deno.NetAddr).port,
    get open() {
      return conns.size;
    },
    async close() {
      closed = true;
      listener.close();
      await loop;
    },
    closeAll() {
      for (const conn of conns) closeQuietly(conn);
    },
  };
}

function limitedWarn(log: Logger): (message: string, error: unknown) => void {
  const last = new Map<string, { at: number; count: number }>();
  return (message: string, error: unknown) => {
    const now = Date.now();
    const seen = last.get(message) ?? { at: -Infinity, count: 0 };
    seen.count++;
    if (now - seen.at >= WARN_EVERY_MS) {
      log.warn(message, { error, count: seen.count });
      seen.at = now;
      seen.count = 0;
    }
    last.set(message, seen);
  };
}

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // Already closed.
  }
}

// One connection: its request head first (within the header timeout),
// then both directions copied until either side ends or all is idle.
async function serveConn(
  conn: Deno.Conn,
  limits: GateOptions,
  headDone: () => void,
): Promise<void> {
  let upstream: Deno.Conn | undefined;
  let timer = setTimeout(end, limits.headerTimeoutMs);
  function end() {
    clearTimeout(timer);
    closeQuietly(conn);
    if (upstream !== undefined) closeQuietly(upstream);
  }
  try {
    const head = await readHead(conn);
    if (head === undefined) return;
    headDone();
    const { hostname, port } = limits.upstream();
    upstream = await Deno.connect({ hostname, port });
    const touch = () => {
      clearTimeout(timer);
      timer = setTimeout(end, limits.idleTimeoutMs);
    };
    touch();
    await writeAll(upstream, head);
    const up = upstream;
    // A client that stops sending gets its answer still; the server's
    // side ending ends the connection.
    pump(conn, up, touch).then(() => up.closeWrite()).catch(() => {});
    await pump(up, conn, touch);
  } finally {
    end();
  }
}

// The bytes up to and including the first blank line (more may follow:
// they are part of the request body); undefined if the client left or the
// head is too large.
async function readHead(conn: Deno.Conn): Promise<Uint8Array | undefined> {
  const buffer = new Uint8Array(MAX_HEAD_BYTES);
  let size = 0;
  while (size < buffer.length) {
    const n = await conn.read(buffer.subarray(size));
    if (n === null) return undefined;
    const from = Math.max(0, size - 3);
    size += n;
    if (hasBlankLine(buffer, from, size)) return buffer.slice(0, size);
  }
  return undefined;
}

function hasBlankLine(b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i + 3 < to; i++) {
    if (b[i] === 13 && b[i + 1] === 10 && b[i + 2] === 13 && b[i + 3] === 10) {
      return true;
    }
  }
  return false;
}

async function writeAll(to: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) {
    written += await to.write(bytes.subarray(written));
  }
}

async function pump(
  from: Deno.Conn,
  to: Deno.Conn,
  touch: () => void,
): Promise<void> {
  const buffer = new Uint8Array(16 * 1024);
  try {
    // Bounded by the peer: ends at EOF, an error or the idle timeout.
    for (let i = 0; i < Number.MAX_SAFE_INTEGER; i++) {
      const n = await from.read(buffer);
      if (n === null) return;
      touch();
      await writeAll(to, buffer.subarray(0, n));
    }
  } catch {
    // A reset or a close by the timeout: the connection is over.
  }
}

/**
 * The real bot process under a connection flood on HTTP_PORT, with the
 * file descriptor limit (`ulimit -n 256`) that made `Deno.serve`'s accept
 * loop die: 500 half-open connections must not stop the process, and
 * `/healthz` still answers.
 */

import assert from "node:assert/strict";
import { FakeComfy } from "../fakes/comfyui/mod.ts";
import { FakeTelegram } from "../fakes/telegram/mod.ts";
import { botCommand, fakesEnv } from "./bot_process.ts";

interface Flooded extends AsyncDisposable {
  readonly port: number;
  readonly stderr: () => string;
  readonly exited: () => boolean;
}

// Starts the bot with `ulimit -n 256` and waits for its HTTP port.
async function floodableBot(env: Record<string, string>): Promise<Flooded> {
  const telegram = await FakeTelegram.start();
  const comfy = await FakeComfy.start();
  const dataDir = await Deno.makeTempDir({ prefix: "lora-flood-" });
  const child = botCommand({
    ...fakesEnv({ telegram, comfy }, dataDir),
    HTTP_PORT: "0",
    ...env,
  }, { shell: "ulimit -n 256" }).spawn();
  let text = "";
  let exited = false;
  const status = child.status.then((s) => {
    exited = true;
    return s;
  });
  // The port is known once the bot logs it, and the flood starts once the
  // bot polls (the server listens before the bot has finished starting,
  // on a standby even); an early exit fails the wait.
  const ready = Promise.withResolvers<number>();
  const reading = (async () => {
    for await (
      const chunk of child.stderr.pipeThrough(new TextDecoderStream())
    ) {
      text += chunk;
      const port = /http server listening .*port=(\d+)/.exec(text)?.[1];
      if (port !== undefined && /polling started/.test(text)) {
        ready.resolve(Number(port));
      }
    }
    ready.reject(new Error(`the bot exited:\n${text}`));
  })();
  await child.stdout.cancel();
  const port = await ready.promise;
  return {
    port,
    stderr: () => text,
    exited: () => exited,
    async [Symbol.asyncDispose]() {
      if (!exited) child.kill("SIGTERM");
      await status;
      await reading;
      await comfy.close();
      await telegram.close();
      await Deno.remove(dataDir, { recursive: true });
    },
  };
}

// Opens `count` connections that send half a request head and stop.
async function halfOpen(port: number, count: number): Promise<Deno.Conn[]> {
  const head = new TextEncoder().encode("GET /healthz HTTP/1.1\r\nHost: x\r\n");
  const conns: Deno.Conn[] = [];
  for (let i = 0; i < count; i++) {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    conns.push(conn);
    await conn.write(head).catch(() => 0);
  }
  return conns;
}

// Asks /healthz until it answers (bounded by tries and a deadline).
async function healthz(port: number): Promise<number> {
  const deadline = Date.now() + 20_000;
  for (let i = 0; i < 1000 && Date.now() < deadline; i++) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`, {
        signal: AbortSignal.timeout(2000),
      });
      await response.body?.cancel();
      return response.status;
    } catch {
      // Turned away while full: ask again.
    }
  }
  return 0;
}

Deno.test("500 half-open connections under ulimit -n 256: the bot lives, /healthz answers", async () => {
  await using bot = await floodableBot({});
  const conns = await halfOpen(bot.port, 500);
  try {
    // While the flood holds its connections, a new client still gets in:
    // the oldest half-open one makes room.
    assert.equal(await healthz(bot.port), 200, bot.stderr());
    assert.ok(!bot.exited(), bot.stderr());
    assert.match(bot.stderr(), /http connections at the limit/);
  } finally {
    for (const conn of conns) {
      try {
        conn.close();
      } catch { /* closed by the bot */ }
    }
  }
  assert.equal(await healthz(bot.port), 200);
  assert.ok(!bot.exited());
});

Deno.test("running out of file descriptors: accept errors are logged and survived", async () => {
  // A cap above the descriptor limit: accept itself fails (EMFILE).
  await using bot = await floodableBot({
    HTTP_MAX_CONNECTIONS: "5000",
    HTTP_HEADER_TIMEOUT: "1",
  });
  const conns = await halfOpen(bot.port, 500);
  try {
    // The header timeout frees descriptors; then /healthz answers.
    assert.equal(await healthz(bot.port), 200, bot.stderr());
    assert.match(bot.stderr(), /http accept failed; retrying.*Too many open/);
    assert.ok(!bot.exited(), bot.stderr());
  } finally {
    for (const conn of conns) {
      try {
        conn.close();
      } catch { /* closed by the bot */ }
    }
  }
});

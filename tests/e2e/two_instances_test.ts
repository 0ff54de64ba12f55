/**
 * Two app instances on one database (issue #18): the one holding the
 * leadership polls Telegram and runs jobs, the other serves HTTP as a
 * standby and takes no update; when the active one stops or loses its
 * session, the standby takes over and resumes the running job as a restart
 * does: one render, one video, one charge. On PostgreSQL the instances
 * have data directories of their own (two machines); on SQLite they share
 * one (the lock file in DATA_DIR decides).
 */

import assert from "node:assert/strict";
import type { App } from "../../lib/app/mod.ts";
import { LeadershipLostError } from "../../lib/app/mod.ts";
import { SECRET_HEADER } from "../../lib/http/webhook.ts";
import { SAMPLE_JPEG, SAMPLE_MP4 } from "../fixtures/media.ts";
import { type Harness, journalKinds, startHarness } from "./harness.ts";
import { skipPgTests } from "../pg/mod.ts";

// Bot API calls one instance made, by method (ComfyUI's are not counted).
function countingFetch(): { fetch: typeof fetch; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    fetch: (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      const method = /\/bot[^/]+\/(\w+)$/.exec(url)?.[1];
      if (method !== undefined) calls.push(method);
      return fetch(input, init);
    },
  };
}

async function get(app: App, path: string): Promise<Response> {
  return await fetch(`http://127.0.0.1:${app.httpPort}${path}`);
}

// One user's photo, rendered slowly enough to hand over mid-render.
async function renderStarted(h: Harness, userId: number) {
  const user = h.telegram.user(userId, {
    first_name: "Ha",
    language_code: "en",
  });
  h.telegram.sendPhoto(user, SAMPLE_JPEG);
  await h.comfy.waitForRequest();
  return user;
}

// Delivered once, rendered once, charged once.
async function deliveredOnce(h: Harness, app: App, userId: number) {
  const video = await h.telegram.waitForCall("sendVideo");
  assert.deepEqual(video.files[0]?.bytes, SAMPLE_MP4);
  await app.runner.idle();
  assert.equal(h.comfy.requests.length, 1, "rendered once");
  assert.equal(h.telegram.callsOf("sendVideo").length, 1, "sent once");
  assert.equal((await app.ledger.account(userId))?.tokens, 90);
  assert.deepEqual(await journalKinds(app, userId), [
    "grant",
    "hold",
    "capture",
  ]);
}

for (const store of ["sqlite", "postgres"] as const) {
  Deno.test({
    name:
      `two instances on ${store}: the standby takes no update and takes the job over when the active one stops`,
    ignore: store === "postgres" && skipPgTests(),
    fn: () => handOver(store === "postgres"),
  });
}

async function handOver(postgres: boolean): Promise<void> {
  await using h = await startHarness({
    postgres,
    comfy: { renderMs: 600 },
    env: { HTTP_PORT: "0" },
  });
  const standby = countingFetch();
  const b = await h.startInstance({ fetch: standby.fetch });
  assert.equal(h.app.role(), "active");
  assert.equal(b.role(), "standby");
  const health = await get(b, "/healthz");
  assert.equal(health.status, 200);
  assert.equal((await health.json()).role, "standby");
  const metrics = async (app: App) => await (await get(app, "/metrics")).text();
  assert.match(await metrics(b), /^lora_leader_active 0$/m);
  assert.match(await metrics(h.app), /^lora_leader_active 1$/m);

  const user = await renderStarted(h, 41);
  assert.deepEqual(
    standby.calls.filter((m) => m !== "getMe"),
    [],
    "a standby calls nothing but getMe",
  );
  const handedOver = Date.now();
  await h.app.stop();
  await b.active;
  assert.equal(b.role(), "active");
  // The stopped one unlocked: the standby's next attempt (every 2 s) wins.
  assert.ok(Date.now() - handedOver < 10_000);
  await deliveredOnce(h, b, user.id);
  assert.ok(standby.calls.includes("getUpdates"), "the new active one polls");
  assert.ok(standby.calls.includes("sendVideo"), "and delivered the video");
}

Deno.test({
  name:
    "an active instance whose session ends steps down at once; the standby finishes its job",
  ignore: skipPgTests(),
  fn: async () => {
    await using h = await startHarness({
      postgres: true,
      comfy: { renderMs: 600 },
    });
    const b = await h.startInstance();
    const user = await renderStarted(h, 42);
    await endLeaderSession(h);
    await assert.rejects(h.app.polling, LeadershipLostError);
    assert.equal(h.app.role(), "standby");
    await b.active;
    await deliveredOnce(h, b, user.id);
  },
});

// Ends the session holding the leader lock, as a failover of the database
// or a network cut does.
async function endLeaderSession(h: Harness): Promise<void> {
  const [row] = await h.sql.all(
    `SELECT count(pg_terminate_backend(pid)) AS n FROM pg_locks
     WHERE locktype = 'advisory' AND granted
       AND database = (SELECT oid FROM pg_database
                       WHERE datname = current_database())`,
  );
  assert.equal(Number(row?.n), 1);
}

for (const store of ["sqlite", "postgres"] as const) {
  Deno.test({
    name:
      `webhook mode, two instances on ${store}: a standby answers 503 and stores nothing; the new active one sets the webhook and takes updates`,
    ignore: store === "postgres" && skipPgTests(),
    fn: () => webhookHandOver(store === "postgres"),
  });
}

async function webhookHandOver(postgres: boolean): Promise<void> {
  const secret = "two_instances-0123456789";
  await using h = await startHarness({
    postgres,
    env: {
      WEBHOOK_URL: "https://bot.example.test/telegram",
      WEBHOOK_SECRET: secret,
      HTTP_PORT: "0",
    },
  });
  const b = await h.startInstance();
  const post = (app: App, update: unknown) =>
    fetch(`http://127.0.0.1:${app.httpPort}/telegram`, {
      method: "POST",
      headers: { "content-type": "application/json", [SECRET_HEADER]: secret },
      body: JSON.stringify(update),
    });
  const user = h.telegram.user(43, { first_name: "We", language_code: "en" });
  const update = h.telegram.sendText(user, "/start");
  // A proxy in front of both tries the other instance on this answer.
  const refused = await post(b, update);
  assert.equal(refused.status, 503);
  assert.equal(await refused.text(), "standby\n");
  const stored = await h.sql.all(
    "SELECT update_id FROM updates WHERE update_id = ?",
    [update.update_id],
  );
  assert.deepEqual(stored, [], "a standby stores no update");
  assert.equal(h.telegram.callsOf("setWebhook").length, 1);

  await h.app.stop();
  await b.active;
  assert.equal(h.telegram.callsOf("setWebhook").length, 2, "set again");
  const taken = await post(b, update);
  await taken.body?.cancel();
  assert.equal(taken.status, 200);
  await b.handled(update.update_id);
  assert.ok(
    h.telegram.callsOf("sendMessage").some((c) =>
      Number(c.params.chat_id) === user.id
    ),
    "the new active instance answered",
  );
}

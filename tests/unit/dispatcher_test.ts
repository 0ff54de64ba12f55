import assert from "node:assert/strict";
import type { Update } from "grammy/types";
import { type Inbox, UpdateDispatcher } from "../../lib/intake/mod.ts";
import { silentLogger } from "../../lib/log.ts";

// The `updates` table in memory: stored until handled.
class MemoryInbox implements Inbox {
  readonly stored = new Map<number, Update>();
  pending(limit: number, skip: ReadonlySet<number>): Promise<Update[]> {
    return Promise.resolve(
      [...this.stored.values()]
        .filter((u) => !skip.has(u.update_id))
        .sort((a, b) => a.update_id - b.update_id)
        .slice(0, limit),
    );
  }
  isPending(updateId: number): Promise<boolean> {
    return Promise.resolve(this.stored.has(updateId));
  }
  done(updateId: number): Promise<void> {
    this.stored.delete(updateId);
    return Promise.resolve();
  }
}

let nextId = 1;
function text(chat: number): Update {
  return {
    "update_id": nextId++,
    message: {
      "message_id": 1,
      date: 0,
      chat: { id: chat, type: "private", "first_name": "U" },
      from: { id: chat, "is_bot": false, "first_name": "U" },
      text: "hi",
    },
  } as Update;
}

function preCheckout(user: number): Update {
  return {
    "update_id": nextId++,
    "pre_checkout_query": {
      id: `q${nextId}`,
      from: { id: user, "is_bot": false, "first_name": "U" },
      currency: "XTR",
      "total_amount": 1,
      "invoice_payload": "x",
    },
  };
}

// A handler each call of which waits until the test releases it.
function gatedHandler() {
  const started: Update[] = [];
  const gates = new Map<number, () => void>();
  const handle = (update: Update) => {
    started.push(update);
    return new Promise<void>((resolve) => gates.set(update.update_id, resolve));
  };
  const release = async (update: Update) => {
    const gate = gates.get(update.update_id);
    assert.ok(gate, `update ${update.update_id} is not running`);
    gate();
    await Promise.resolve();
    await new Promise((resolve) => queueMicrotask(() => resolve(null)));
  };
  return { started, handle, release };
}

function setup(limit: number) {
  const inbox = new MemoryInbox();
  const handler = gatedHandler();
  const dispatcher = new UpdateDispatcher({
    inbox,
    handle: handler.handle,
    limit,
    log: silentLogger,
  });
  const store = (update: Update) => {
    inbox.stored.set(update.update_id, update);
    dispatcher.offer(update);
    return update;
  };
  return { inbox, dispatcher, store, ...handler };
}

Deno.test("UpdateDispatcher runs chats at once, each chat in order", async () => {
  const { dispatcher, store, started, release } = setup(10);
  const a1 = store(text(1));
  const a2 = store(text(1));
  const b1 = store(text(2));
  await dispatcher.loaded();
  assert.deepEqual(started, [a1, b1], "the second of chat 1 waits");
  await release(a1);
  assert.deepEqual(started, [a1, b1, a2]);
  await release(b1);
  await release(a2);
  await dispatcher.close();
  assert.equal(dispatcher.size, 0);
});

Deno.test("UpdateDispatcher keeps at most `limit` in memory, but takes urgent ones", async () => {
  const { dispatcher, inbox, store, started, release } = setup(2);
  const a = store(text(1));
  const b = store(text(2));
  const c = store(text(3));
  await dispatcher.loaded();
  assert.deepEqual(started, [a, b]);
  assert.ok(await inbox.isPending(c.update_id), "the third waits in the table");
  let roomy = false;
  const room = dispatcher.room().then(() => roomy = true);
  const pay = store(preCheckout(4));
  assert.deepEqual(started, [a, b, pay], "a pre-checkout never waits");
  await release(pay);
  assert.equal(roomy, false);
  await release(a);
  await room;
  await dispatcher.loaded();
  assert.deepEqual(started, [a, b, pay, c], "taken from the table in turn");
  await release(b);
  await release(c);
  await dispatcher.close();
});

Deno.test("UpdateDispatcher.close() waits for running ones and leaves the rest stored", async () => {
  const { dispatcher, inbox, store, started, release } = setup(10);
  const a1 = store(text(1));
  const a2 = store(text(1));
  await dispatcher.loaded();
  let closed = false;
  const closing = dispatcher.close().then(() => closed = true);
  await Promise.resolve();
  assert.equal(closed, false, "waits for the running handler");
  await release(a1);
  await closing;
  assert.deepEqual(started, [a1]);
  assert.ok(await inbox.isPending(a2.update_id), "left for the next start");
});

Deno.test("UpdateDispatcher leaves an update that failed for the next start", async () => {
  const inbox = new MemoryInbox();
  let calls = 0;
  const dispatcher = new UpdateDispatcher({
    inbox,
    handle: () => {
      calls++;
      return Promise.reject(new Error("database is locked"));
    },
    limit: 10,
    log: silentLogger,
  });
  const update = text(1);
  inbox.stored.set(update.update_id, update);
  dispatcher.offer(update);
  await dispatcher.handled(update.update_id);
  dispatcher.pump();
  await dispatcher.close();
  assert.equal(calls, 1, "not retried in a loop");
  assert.ok(await inbox.isPending(update.update_id));
});

/**
 * The chaos test's checks once the kills are over (chaos_test.ts): every
 * photo handled, the ledger's rules, and whose video each chat got (each
 * photo carries its identity in its last bytes, and so does its video).
 */

import assert from "node:assert/strict";
import { one, type SqlReader } from "../../lib/db/reader.ts";
import { type Fleet, until } from "../pg/bots.ts";

const TAG = 16; // bytes of identity appended to each photo and its video

/** `base` with `tag` appended (the identity of a photo and its video). */
export function tagged(base: Uint8Array, tag: string): Uint8Array {
  const bytes = new Uint8Array(base.length + TAG);
  bytes.set(base);
  bytes.set(new TextEncoder().encode(tag.padEnd(TAG, " ")), base.length);
  return bytes;
}

/** The tag {@link tagged} appended. */
export function tagOf(bytes: Uint8Array | undefined): string {
  return new TextDecoder().decode(bytes?.subarray(-TAG) ?? new Uint8Array())
    .trim();
}

// Every update taken and stored, every stored one handled, every job ended.
export async function allHandled(fleet: Fleet): Promise<void> {
  await using db = fleet.reader();
  const n = async (query: string) => Number((await one(db, query)).n);
  await until(
    "every photo handled",
    async () =>
      fleet.telegram.pendingUpdates().length === 0 &&
      await n(`SELECT COUNT(*) AS n FROM jobs WHERE state NOT IN
                 ('done', 'failed', 'cancelled', 'refunded')`) === 0 &&
      // Stored updates not handled yet would start jobs still.
      await n(
          "SELECT COUNT(*) AS n FROM updates WHERE payload IS NOT NULL",
        ) === 0,
    120_000,
  );
}

// The ledger's side: every job ended, no hold left, no update started two
// jobs, no job was captured twice, every update stored once and handled.
export async function checkLedger(
  db: SqlReader,
  run: { readonly photos: number },
): Promise<{ done: number; refunded: number }> {
  const rows = (query: string) => db.all(query);
  const n = async (query: string) => Number((await one(db, query)).n);
  const states = Object.fromEntries(
    (await rows("SELECT state, COUNT(*) AS n FROM jobs GROUP BY state"))
      .map((r) => [String(r.state), Number(r.n)]),
  );
  assert.deepEqual(
    Object.keys(states).filter((s) =>
      !["done", "failed", "cancelled"].includes(s)
    ),
    [],
    JSON.stringify(states),
  );
  assert.equal(await n("SELECT SUM(held) AS n FROM balances"), 0);
  assert.equal(
    (await rows("SELECT user_id FROM balances WHERE tokens < 0")).length,
    0,
  );
  assert.equal(
    (await rows(`SELECT update_id FROM jobs WHERE update_id IS NOT NULL
            GROUP BY update_id HAVING COUNT(*) > 1`)).length,
    0,
    "an update started two jobs",
  );
  assert.equal(
    (await rows(`SELECT job_id FROM journal WHERE kind = 'capture'
            GROUP BY job_id HAVING COUNT(*) > 1`)).length,
    0,
    "a job was captured twice",
  );
  const done = states.done ?? 0;
  const refunded = (states.failed ?? 0) + (states.cancelled ?? 0);
  assert.equal(done + refunded, await n("SELECT COUNT(*) AS n FROM jobs"));
  // Every update Telegram delivered was stored, once, and handled.
  assert.equal(
    await n("SELECT COUNT(*) AS n FROM updates"),
    run.photos,
    "an update was lost before it was stored",
  );
  assert.equal(
    await n("SELECT COUNT(DISTINCT update_id) AS n FROM jobs"),
    run.photos,
    `a photo started no job: ${
      JSON.stringify(
        await rows(
          `SELECT update_id, attempts, payload IS NULL AS handled
             FROM updates WHERE update_id NOT IN
             (SELECT update_id FROM jobs WHERE update_id IS NOT NULL)`,
        ),
      )
    }`,
  );
  return { done, refunded };
}

// Whose photo each delivered video was made from: nobody got someone
// else's. Returns how many photos got a video, and how many more than one.
export function checkDeliveries(
  fleet: Fleet,
  owner: Map<string, number>,
): { photos: number; duplicates: number } {
  const perPhoto = new Map<string, number>();
  for (const call of fleet.telegram.callsOf("sendVideo")) {
    const tag = tagOf(call.files[0]?.bytes);
    assert.equal(
      owner.get(tag),
      Number(call.params.chat_id),
      `chat ${call.params.chat_id} got the video of photo "${tag}"`,
    );
    perPhoto.set(tag, (perPhoto.get(tag) ?? 0) + 1);
  }
  return {
    photos: perPhoto.size,
    duplicates: [...perPhoto.values()].filter((n) => n > 1).length,
  };
}

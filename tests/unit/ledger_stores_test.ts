import assert from "node:assert/strict";
import type { Clock } from "../../lib/clock.ts";
import { DuplicateJobError, JobLimitError } from "../../lib/jobs/mod.ts";
import type { NewJob } from "../../lib/jobs/job.ts";
import { InsufficientTokensError } from "../../lib/ledger/mod.ts";
import {
  STORE_FACTORIES,
  type StoreFactory,
  type TestStores,
} from "../stores.ts";

const clock: Clock = {
  now: () => Date.UTC(2026, 10, 26, 12, 0, 0),
  sleep: () => Promise.resolve(),
};

// A test of the ledger and job store contract, run on one database.
function storeTest(
  factory: StoreFactory,
  name: string,
  options: { defaultTokens?: number; ticking?: boolean },
  fn: (stores: TestStores & { stores: TestStores }) => Promise<void>,
): void {
  Deno.test({
    name: `${factory.name}: ${name}`,
    ignore: factory.ignore,
    async fn() {
      let now = Date.UTC(2026, 10, 26, 12, 0, 0);
      const ticking: Clock = {
        now: () => (now += 1000),
        sleep: () => Promise.resolve(),
      };
      const stores = await factory.open({
        clock: options.ticking ? ticking : clock,
        defaultTokens: options.defaultTokens ?? 100,
      });
      try {
        await fn({ ...stores, stores });
      } finally {
        await stores.close();
      }
    },
  });
}

function newJob(
  n: number,
  userId: number,
  extra: Partial<NewJob> = {},
): NewJob {
  return {
    id: `telegram_${userId}_${n}`,
    userId,
    chatId: userId,
    mode: "quick",
    duration: 10,
    quality: "medium",
    cost: 10,
    fileId: "f",
    locale: "ru",
    ...extra,
  };
}

for (const factory of STORE_FACTORIES) {
  storeTest(
    factory,
    "Ledger.ensureUser() grants DEFAULT_TOKENS once, journaled",
    { defaultTokens: 100 },
    async ({ stores, ledger }) => {
      const first = await ledger.ensureUser({ id: 7, firstName: "Ann" });
      assert.equal(first.created, true);
      assert.equal(first.account.tokens, 100);
      const again = await ledger.ensureUser({
        id: 7,
        firstName: "Anna",
        username: "ann",
      });
      assert.equal(again.created, false);
      assert.equal(again.account.tokens, 100);
      assert.equal(again.account.firstName, "Anna");
      assert.equal(again.account.username, "ann");
      assert.deepEqual(await stores.replay(7), {
        tokens: 100,
        held: 0,
        spent: 0,
      });
      assert.equal((await ledger.journal(7)).length, 1);
    },
  );

  storeTest(
    factory,
    "hold, capture and release move tokens and journal each step",
    { defaultTokens: 100 },
    async ({ stores, ledger }) => {
      await ledger.ensureUser({ id: 1 });
      let account = await ledger.hold(1, 10, { idemKey: "hold:a", jobId: "a" });
      assert.deepEqual([account.tokens, account.held], [90, 10]);
      account = await ledger.capture(1, 10, {
        idemKey: "capture:a",
        jobId: "a",
      });
      assert.deepEqual([account.tokens, account.held, account.spent], [
        90,
        0,
        10,
      ]);
      await ledger.hold(1, 15, { idemKey: "hold:b", jobId: "b" });
      account = await ledger.release(1, 15, {
        idemKey: "release:b",
        jobId: "b",
      });
      assert.deepEqual([account.tokens, account.held, account.spent], [
        90,
        0,
        10,
      ]);
      assert.deepEqual(await stores.replay(1), {
        tokens: 90,
        held: 0,
        spent: 10,
      });
      assert.deepEqual(
        (await ledger.journal(1)).map((e) => e.kind),
        ["release", "hold", "capture", "hold", "grant"],
      );
    },
  );

  storeTest(
    factory,
    "a repeated idempotency key moves nothing the second time",
    { defaultTokens: 100 },
    async ({ ledger }) => {
      await ledger.ensureUser({ id: 1 });
      await ledger.hold(1, 10, { idemKey: "hold:x" });
      const again = await ledger.hold(1, 10, { idemKey: "hold:x" });
      assert.equal(again.tokens, 90);
      assert.equal(again.held, 10);
      await assert.rejects(
        async () => (await ledger.release(1, 10, { idemKey: "hold:x" })),
        /was used/,
      );
    },
  );

  storeTest(factory, "a hold beyond the balance fails and changes nothing", {
    defaultTokens: 5,
  }, async ({ stores, ledger }) => {
    await ledger.ensureUser({ id: 1 });
    await assert.rejects(
      async () => (await ledger.hold(1, 10, { idemKey: "hold:big" })),
      (e: unknown) =>
        e instanceof InsufficientTokensError && e.needed === 10 &&
        e.available === 5,
    );
    assert.equal((await ledger.account(1))?.tokens, 5);
    assert.equal((await ledger.journal(1)).length, 1);
    // The CHECK constraint backs the conditional update.
    await assert.rejects(
      () => stores.exec("UPDATE balances SET tokens = -1"),
      /CHECK|check constraint/,
    );
  });

  storeTest(factory, "Ledger.adjust() never takes a balance below zero", {
    defaultTokens: 30,
  }, async ({ ledger }) => {
    await ledger.ensureUser({ id: 1 });
    const result = await ledger.adjust(1, -50, { idemKey: "adj:1" });
    assert.equal(result.applied, -30);
    assert.equal(result.account.tokens, 0);
    assert.equal(
      (await ledger.adjust(1, 25, { idemKey: "adj:2" })).account.tokens,
      25,
    );
  });

  storeTest(
    factory,
    "JobStore: a job holds on create, captures once on complete",
    { defaultTokens: 100 },
    async ({ stores, ledger, jobs }) => {
      await ledger.ensureUser({ id: 1 });
      const job = await jobs.create({
        id: "telegram_1_1",
        userId: 1,
        chatId: 1,
        mode: "quick",
        duration: 10,
        quality: "medium",
        cost: 10,
        fileId: "f",
        updateId: 55,
        locale: "ru",
      });
      assert.equal(job.state, "queued");
      assert.equal((await ledger.account(1))?.held, 10);
      assert.equal((await jobs.byUpdate(55))?.id, job.id);
      assert.equal(await jobs.activeCount(1), 1);
      await jobs.complete(job.id, { renderSeconds: 3 });
      await jobs.complete(job.id, { renderSeconds: 3 });
      await jobs.fail(job.id, "too late");
      const account = await ledger.account(1);
      assert.deepEqual(
        [
          account?.tokens,
          account?.held,
          account?.spent,
          account?.videosCreated,
        ],
        [90, 0, 10, 1],
      );
      assert.equal((await jobs.get(job.id))?.state, "done");
      assert.deepEqual(await stores.replay(1), {
        tokens: 90,
        held: 0,
        spent: 10,
      });
    },
  );

  storeTest(factory, "JobStore: a failed job gives its hold back", {
    defaultTokens: 100,
  }, async ({ ledger, jobs }) => {
    await ledger.ensureUser({ id: 2 });
    const job = await jobs.create({
      id: "telegram_2_1",
      userId: 2,
      chatId: 2,
      mode: "quick",
      duration: 15,
      quality: "high",
      cost: 15,
      fileId: "f",
      locale: "en",
    });
    assert.equal((await ledger.account(2))?.tokens, 85);
    await jobs.fail(job.id, "ComfyUI down");
    assert.deepEqual(
      [(await ledger.account(2))?.tokens, (await ledger.account(2))?.held],
      [100, 0],
    );
    assert.equal((await jobs.get(job.id))?.state, "failed");
    assert.equal((await jobs.unfinished()).length, 0);
  });

  storeTest(factory, "JobStore records when a job reached each state", {
    ticking: true,
  }, async ({ ledger, jobs }) => {
    await ledger.ensureUser({ id: 1 });
    const job = await jobs.create({
      id: "telegram_1_9",
      userId: 1,
      chatId: 1,
      mode: "quick",
      duration: 10,
      quality: "medium",
      cost: 10,
      fileId: "f",
      locale: "ru",
    });
    await jobs.advance(job.id, "submitted", { promptId: "p" });
    await jobs.advance(job.id, "submitted");
    await jobs.advance(job.id, "running");
    await jobs.advance(job.id, "delivering");
    await jobs.complete(job.id, { renderSeconds: 4 });
    await jobs.advance(job.id, "running");
    const events = await jobs.events(job.id);
    assert.deepEqual(
      events.map((e) => e.state),
      ["queued", "submitted", "running", "delivering", "done"],
    );
    // Each at its own moment, in order.
    assert.deepEqual(
      [...events.map((e) => e.at)].sort(),
      events.map((e) => e.at),
    );
    assert.equal(new Set(events.map((e) => e.at)).size, 5);
  });

  storeTest(
    factory,
    "the same movement on two connections at once is journaled once",
    {},
    async ({ ledger, stores }) => {
      const other = await stores.again();
      await ledger.ensureUser({ id: 1 });
      const key = { idemKey: "hold:same", jobId: "same" };
      await Promise.all([
        ledger.hold(1, 10, key),
        other.ledger.hold(1, 10, key),
        ledger.hold(1, 10, key),
      ]);
      const account = await ledger.account(1);
      assert.deepEqual([account?.tokens, account?.held], [90, 10]);
      assert.deepEqual(await stores.replay(1), {
        tokens: 90,
        held: 10,
        spent: 0,
      });
    },
  );

  storeTest(
    factory,
    "two instances creating a user's jobs at once keep MAX_ACTIVE",
    {},
    async ({ ledger, jobs, stores }) => {
      const other = await stores.again();
      await ledger.ensureUser({ id: 3 });
      const results = await Promise.allSettled([
        jobs.create(newJob(1, 3, { maxActive: 1 })),
        other.jobs.create(newJob(2, 3, { maxActive: 1 })),
      ]);
      assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
      const refused = results.find((r) => r.status === "rejected");
      assert.ok(
        refused?.status === "rejected" &&
          refused.reason instanceof JobLimitError,
      );
      assert.equal((await ledger.account(3))?.held, 10, "one hold only");
    },
  );

  storeTest(
    factory,
    "a second job for one update is a DuplicateJobError, nothing held",
    {},
    async ({ ledger, jobs }) => {
      await ledger.ensureUser({ id: 4 });
      await jobs.create(newJob(1, 4, { updateId: 77 }));
      await assert.rejects(
        () => jobs.create(newJob(2, 4, { updateId: 77 })),
        DuplicateJobError,
      );
      assert.equal((await ledger.account(4))?.held, 10);
    },
  );

  storeTest(
    factory,
    "a cancel after `delivering` changes nothing; a failure still releases",
    {},
    async ({ ledger, jobs }) => {
      await ledger.ensureUser({ id: 5 });
      const job = await jobs.create(newJob(1, 5));
      await jobs.advance(job.id, "delivering");
      const after = await jobs.fail(
        job.id,
        "cancelled by the user",
        "cancelled",
      );
      assert.equal(after.state, "delivering");
      assert.equal((await ledger.account(5))?.held, 10);
      await jobs.advance(job.id, "running");
      assert.equal((await jobs.get(job.id))?.state, "delivering", "never back");
      assert.equal(
        (await jobs.fail(job.id, "Telegram refused")).state,
        "failed",
      );
      assert.equal((await ledger.account(5))?.tokens, 100);
    },
  );

  storeTest(
    factory,
    "a free video of the day is granted, held and taken back on failure",
    {},
    async ({ ledger, jobs, stores }) => {
      await ledger.ensureUser({ id: 6 });
      const free = await jobs.create(
        newJob(1, 6, { duration: 5, cost: 5, freePerDay: 1 }),
      );
      assert.equal(free.free, true);
      assert.equal(await jobs.freeLeft(6, 1), 0);
      assert.equal((await ledger.account(6))?.tokens, 100);
      await jobs.fail(free.id, "ComfyUI down");
      assert.equal(await jobs.freeLeft(6, 1), 1, "a failed one is given back");
      assert.equal((await ledger.account(6))?.tokens, 100);
      assert.deepEqual(await stores.replay(6), {
        tokens: 100,
        held: 0,
        spent: 0,
      });
    },
  );
}

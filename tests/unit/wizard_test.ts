import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import type { Clock } from "../../lib/clock.ts";
import { sqliteReader } from "../../lib/db/reader.ts";
import { migrate } from "../../lib/db/mod.ts";
import { SyncLedger as Ledger } from "../../lib/ledger/mod.ts";
import {
  advance,
  beginWizard,
  draftOf,
  randomNonce,
  type WizardDraft,
  type WizardEvent,
  WizardStore,
} from "../../lib/wizard/mod.ts";

const photo = (fileId: string): WizardEvent => ({ type: "photo", fileId });

function stepOf(draft: WizardDraft, event: WizardEvent): WizardDraft {
  const outcome = advance(draft, event);
  assert.equal(outcome.kind, "step", JSON.stringify(outcome));
  return (outcome as { draft: WizardDraft }).draft;
}

Deno.test("advance() walks photo → motion → duration → quality → confirm", () => {
  let draft = beginWizard(7, 100);
  assert.equal(draft.step, "photo");
  draft = stepOf(draft, photo("F1"));
  assert.deepEqual([draft.step, draft.fileId], ["motion", "F1"]);
  draft = stepOf(draft, { type: "auto" });
  assert.deepEqual([draft.step, draft.prompt], ["duration", undefined]);
  draft = stepOf(draft, { type: "duration", duration: 15 });
  assert.deepEqual([draft.step, draft.duration], ["quality", 15]);
  draft = stepOf(draft, { type: "quality", quality: "high" });
  assert.deepEqual([draft.step, draft.quality], ["confirm", "high"]);
  assert.equal(draft.messageId, 100);
  assert.deepEqual(advance(draft, { type: "confirm" }), {
    kind: "confirm",
    fileId: "F1",
    settings: { duration: 15, quality: "high" },
  });
});

Deno.test("advance(): « Назад goes one step back, cancel leaves", () => {
  const atDuration = stepOf(stepOf(beginWizard(7, 1), photo("F1")), {
    type: "auto",
  });
  const atQuality = stepOf(atDuration, { type: "duration", duration: 5 });
  const atConfirm = stepOf(atQuality, { type: "quality", quality: "low" });
  assert.equal(stepOf(atConfirm, { type: "back" }).step, "quality");
  assert.equal(stepOf(atQuality, { type: "back" }).step, "duration");
  const atMotion = stepOf(atDuration, { type: "back" });
  assert.equal(atMotion.step, "motion");
  const backToPhoto = stepOf(atMotion, { type: "back" });
  assert.deepEqual([backToPhoto.step, backToPhoto.fileId], [
    "photo",
    undefined,
  ]);
  assert.deepEqual(advance(beginWizard(7, 1), { type: "back" }), {
    kind: "ignored",
  });
  for (const draft of [beginWizard(7, 1), atDuration, atQuality, atConfirm]) {
    assert.deepEqual(advance(draft, { type: "cancel" }), { kind: "cancel" });
  }
});

Deno.test("advance(): a photo mid-way replaces the photo and keeps the step", () => {
  const atConfirm = stepOf(
    stepOf(stepOf(stepOf(beginWizard(7, 1), photo("F1")), { type: "auto" }), {
      type: "duration",
      duration: 10,
    }),
    { type: "quality", quality: "medium" },
  );
  const replaced = stepOf(atConfirm, photo("F2"));
  assert.deepEqual(
    [replaced.step, replaced.fileId, replaced.duration, replaced.quality],
    ["confirm", "F2", 10, "medium"],
  );
});

Deno.test("advance(): a button of another step changes nothing", () => {
  const atDuration = stepOf(stepOf(beginWizard(7, 1), photo("F1")), {
    type: "auto",
  });
  const events: WizardEvent[] = [
    { type: "quality", quality: "low" },
    { type: "confirm" },
  ];
  for (const event of events) {
    assert.deepEqual(advance(atDuration, event), { kind: "ignored" });
  }
  const atQuality = stepOf(atDuration, { type: "duration", duration: 5 });
  assert.deepEqual(advance(atQuality, { type: "duration", duration: 10 }), {
    kind: "ignored",
  });
  assert.deepEqual(advance(beginWizard(7, 1), { type: "confirm" }), {
    kind: "ignored",
  });
});

function store(now: { ms: number }) {
  const db = new DatabaseSync(":memory:");
  migrate(db);
  const clock: Clock = { now: () => now.ms, sleep: () => Promise.resolve() };
  new Ledger(db, { clock, defaultTokens: 0 }).ensureUser({ id: 7 });
  let n = 0;
  const wizards = new WizardStore(sqliteReader(db), {
    clock,
    nonce: () => `nonce${String(++n).padStart(3, "0")}`,
  });
  return { db, wizards };
}

Deno.test("WizardStore.put() changes the nonce and refuses an outdated one", async () => {
  const now = { ms: Date.UTC(2026, 10, 26) };
  const { wizards } = store(now);
  const first = await wizards.put(beginWizard(7, 10));
  assert.equal(first?.nonce, "nonce001");
  assert.deepEqual(await wizards.get(7), first);
  const next = await wizards.put(
    { ...beginWizard(7, 10), step: "duration", fileId: "F" },
    "nonce001",
  );
  assert.equal(next?.nonce, "nonce002");
  // The first screen's buttons are outdated now.
  assert.equal(await wizards.put(beginWizard(7, 10), "nonce001"), undefined);
  assert.equal((await wizards.get(7))?.step, "duration");
  await wizards.setMessage(7, "nonce002", 55);
  await wizards.setMessage(7, "nonce001", 99);
  assert.equal((await wizards.get(7))?.messageId, 55);
});

Deno.test("WizardStore.take() succeeds once per nonce", async () => {
  const { wizards } = store({ ms: Date.UTC(2026, 10, 26) });
  const state = await wizards.put(beginWizard(7, undefined));
  assert.ok(state);
  assert.equal(await wizards.take(7, "wrong000"), false);
  assert.equal(await wizards.take(7, state.nonce), true);
  assert.equal(await wizards.take(7, state.nonce), false);
  assert.equal(await wizards.get(7), undefined);
});

Deno.test("WizardStore survives a reopen and forgets a day-old wizard", async () => {
  const now = { ms: Date.UTC(2026, 10, 26) };
  const { db, wizards } = store(now);
  const draft: WizardDraft = {
    userId: 7,
    step: "confirm",
    fileId: "F",
    duration: 15,
    quality: "low",
    messageId: 3,
  };
  await wizards.put(draft);
  const reopened = new WizardStore(sqliteReader(db), {
    clock: { now: () => now.ms, sleep: () => Promise.resolve() },
  });
  const state = await reopened.get(7);
  assert.ok(state);
  assert.deepEqual(draftOf(state), draft);
  now.ms += 24 * 60 * 60 * 1000;
  assert.equal(await reopened.get(7), undefined);
  assert.equal(
    Number(db.prepare("SELECT COUNT(*) AS n FROM wizard").get()?.n),
    0,
  );
});

Deno.test("WizardStore.get() drops a row it cannot read", async () => {
  const { db, wizards } = store({ ms: Date.UTC(2026, 10, 26) });
  db.prepare(
    `INSERT INTO wizard (user_id, step, nonce, updated_at)
     VALUES (7, 'teleport', 'abcdefgh', '2026-11-26T00:00:00.000Z')`,
  ).run();
  assert.equal(await wizards.get(7), undefined);
  assert.equal(
    Number(db.prepare("SELECT COUNT(*) AS n FROM wizard").get()?.n),
    0,
  );
});

Deno.test("randomNonce() gives 8 characters of [a-z0-9]", () => {
  const seen = new Set<string>();
  for (let i = 0; i < 1000; i++) {
    const nonce = randomNonce();
    assert.match(nonce, /^[a-z0-9]{8}$/);
    seen.add(nonce);
  }
  assert.equal(seen.size, 1000);
});

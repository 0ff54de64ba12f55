/**
 * Test data for the dashboard: users, a month of jobs in every state with
 * render times, failures and servers, and journal rows (grants, purchases,
 * captures) spread over the days, written straight into a migrated
 * database, SQLite or PostgreSQL (one statement text for both).
 * Deterministic: the same `now` gives the same rows.
 */

import type { SQLInputValue } from "node:sqlite";
import type { SqlRunner } from "../../lib/db/reader.ts";
import { sqlTime } from "../../lib/ledger/mod.ts";

const DAY = 86_400_000;

/** The seeded users: id, first name, @username. */
export const SEEDED_USERS: readonly [number, string, string][] = [
  [5001, "Anna", "anna_k"],
  [5002, "Boris", "boris"],
  [5003, "Vera", "vera_art"],
  [5004, "Gleb", "gleb"],
  [5005, "Daria", "dasha"],
  [5006, "Egor", "egor_v"],
];

const SETTINGS: [number, string, number][] = [
  [5, "low", 40],
  [10, "medium", 95],
  [15, "high", 210],
];
const CAUSES = [
  "ComfyUI did not answer in time",
  "render error: out of memory",
  "Telegram refused the video",
];

// A small deterministic generator, so the screenshot is the same each run.
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
}

/** Fills the database with a month of activity ending at `now`. */
export async function seedDashboard(
  db: SqlRunner,
  now: number,
): Promise<void> {
  const rnd = random(42);
  for (const [id, name, username] of SEEDED_USERS) {
    const since = sqlTime(now - 40 * DAY);
    await db.run(
      `INSERT INTO balances (user_id, tokens, username, first_name,
         videos_created, created_at, updated_at, language)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'ru') ON CONFLICT DO NOTHING`,
      [id, 100, username, name, 0, since, since],
    );
  }
  const insertJob = (...args: SQLInputValue[]) =>
    db.run(
      `INSERT INTO jobs (id, user_id, chat_id, state, mode, duration, quality,
       cost, file_id, locale, prompt_id, server, error, video_file_id,
       render_seconds, attempts, created_at, updated_at, finished_at)
     VALUES (?, ?, ?, ?, 'wizard', ?, ?, ?, 'photo', 'ru', ?, ?, ?, ?, ?, 1,
       ?, ?, ?)`,
      args,
    );
  const insertMove = (...args: SQLInputValue[]) =>
    db.run(
      `INSERT INTO journal (user_id, kind, amount, held_delta, tokens_after,
         held_after, job_id, idem_key, note, created_at)
       VALUES (?, ?, ?, ?, 100, 0, ?, ?, ?, ?)`,
      args,
    );
  let n = 0;
  for (let day = 29; day >= 0; day--) {
    const perDay = 2 + Math.floor(rnd() * 6) + (29 - day) / 5;
    for (let i = 0; i < perDay; i++) {
      n++;
      const [seconds, quality, mean] = SETTINGS[n % 3] ?? [10, "medium", 90];
      const user = SEEDED_USERS[n % SEEDED_USERS.length]?.[0] ?? 5001;
      const created = now - day * DAY - Math.floor(rnd() * 20) * 3_600_000 -
        600_000;
      const roll = rnd();
      const state = day === 0 && i < 2
        ? (i === 0 ? "queued" : "submitted")
        : roll < 0.08
        ? "failed"
        : roll < 0.11
        ? "cancelled"
        : "done";
      const render = mean * (0.7 + rnd() * 0.8);
      const finished = state === "queued" || state === "submitted"
        ? undefined
        : created + render * 1000 + 5000;
      const id = `job-${String(n).padStart(4, "0")}`;
      await insertJob(
        id,
        user,
        user,
        state,
        seconds,
        quality,
        seconds,
        state === "queued" ? null : `prompt-${n}`,
        state === "queued" ? null : `gpu-${(n % 2) + 1}`,
        state === "failed" ? CAUSES[n % CAUSES.length] ?? null : null,
        state === "done" ? `video-${n}` : null,
        state === "done" ? Math.round(render * 10) / 10 : null,
        sqlTime(created),
        sqlTime(finished ?? created),
        finished === undefined ? null : sqlTime(finished),
      );
      await insertMove(
        user,
        "hold",
        -seconds,
        seconds,
        id,
        `hold:${id}`,
        null,
        sqlTime(created),
      );
      if (finished !== undefined) {
        const kind = state === "done" ? "capture" : "release";
        await insertMove(
          user,
          kind,
          kind === "release" ? seconds : 0,
          -seconds,
          id,
          `${kind}:${id}`,
          null,
          sqlTime(finished),
        );
      }
    }
    const at = sqlTime(now - day * DAY - 3_600_000);
    await insertMove(
      5001 + (day % 6),
      "grant",
      100,
      0,
      null,
      `seed-grant:${day}`,
      "welcome",
      at,
    );
    if (day % 3 === 0) {
      await insertMove(
        5002,
        "purchase",
        250,
        0,
        null,
        `seed-buy:${day}`,
        "stars",
        at,
      );
    }
  }
}

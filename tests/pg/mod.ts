/**
 * PostgreSQL for tests: the throwaway cluster of tests/pg/cluster.sh (CI
 * starts it; locally `eval "$(tests/pg/cluster.sh start)"`), named by
 * TEST_DATABASE_URL. Each test gets a fresh empty database of its own,
 * created from template0 under a unique name and dropped at the end, so
 * tests stay isolated and may run in parallel (advisory locks, LISTEN
 * channels and tables are all per database).
 *
 * Tests that need PostgreSQL use `ignore: skipPgTests()`: without
 * TEST_DATABASE_URL they are skipped with a reason on stderr, except under
 * CI=true, where they run and fail on its absence.
 */

import postgres from "postgres";

/** The variable naming the test cluster's maintenance database. */
export const TEST_DATABASE_URL = "TEST_DATABASE_URL";

/** The test cluster's URL, or undefined when none is configured. */
export function testDatabaseUrl(): string | undefined {
  const url = Deno.env.get(TEST_DATABASE_URL);
  return url === undefined || url === "" ? undefined : url;
}

let skipNoted = false;

/** Whether PostgreSQL tests are skipped here; says why on stderr once. */
export function skipPgTests(): boolean {
  if (testDatabaseUrl() !== undefined || Deno.env.get("CI") === "true") {
    return false;
  }
  if (!skipNoted) {
    skipNoted = true;
    Deno.stderr.writeSync(
      new TextEncoder().encode(
        `skipping PostgreSQL tests: ${TEST_DATABASE_URL} is not set ` +
          `(eval "$(tests/pg/cluster.sh start)" starts a throwaway cluster)\n`,
      ),
    );
  }
  return true;
}

/** A database of one test; `await using` drops it. */
export interface TestDatabase extends AsyncDisposable {
  /** Its URL (same server and user as TEST_DATABASE_URL). */
  readonly url: string;
  readonly name: string;
}

let counter = 0;

/** Creates an empty database with a unique name (needs CREATEDB). */
export async function freshDatabase(): Promise<TestDatabase> {
  const base = testDatabaseUrl();
  if (base === undefined) {
    throw new Error(
      `${TEST_DATABASE_URL} is not set: CI must start the test cluster ` +
        `(tests/pg/cluster.sh start)`,
    );
  }
  const name = `t_${Date.now().toString(36)}_${Deno.pid}_${counter++}_` +
    crypto.randomUUID().slice(0, 8);
  // template0 accepts no connections, so parallel CREATE DATABASE calls
  // never fail with "source database is being accessed by other users".
  await admin(
    base,
    (sql) => sql.unsafe(`create database "${name}" template template0`),
  );
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    name,
    [Symbol.asyncDispose]: () =>
      // FORCE ends sessions a failed test left behind (PostgreSQL 13+).
      admin(base, (sql) =>
        sql.unsafe(`drop database if exists "${name}" with (force)`)),
  };
}

async function admin(
  url: string,
  run: (sql: postgres.Sql) => PromiseLike<unknown>,
): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {}, fetch_types: false });
  try {
    await run(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/**
 * Waits until a leader session (lib/leader) of the database at `url` that
 * holds no advisory lock has tried for one (a standby that lost at least
 * once) after `since` (server time, default: now); fails after 30 s.
 */
export async function standbyTried(url: string, since?: Date): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql`select now() as now`;
    const from = since ?? (row?.now as Date);
    for (let i = 0; i < 600; i++) {
      const rows = await sql`select 1 from pg_stat_activity a
        where datname = current_database()
          and application_name = 'lora-bot leader'
          and query like '%pg_try_advisory_lock%' and state = 'idle'
          and query_start > ${from}
          and not exists (select 1 from pg_locks l
            where l.pid = a.pid and l.locktype = 'advisory')`;
      if (rows.length > 0) return;
      // Polls a condition only the server can tell (bounded: 30 s).
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error("no standby tried for the leader lock within 30 s");
  } finally {
    await sql.end();
  }
}

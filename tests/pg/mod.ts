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

/**
 * The npm `postgres` driver under this Deno, as the stores and lib/leader
 * use it: LISTEN/NOTIFY, FOR UPDATE SKIP LOCKED between two sessions,
 * session advisory locks; and the leadership module bundled with
 * `deno bundle --platform=deno` and run with an empty DENO_DIR, as the
 * shipped bundle runs (CI's smoke test), so that the driver needs no npm
 * cache at run time.
 */

import assert from "node:assert/strict";
import postgres from "postgres";
import { LeaderChild } from "./children.ts";
import { freshDatabase, skipPgTests } from "./mod.ts";

Deno.test({
  name: "postgres driver: LISTEN/NOTIFY, SKIP LOCKED, advisory locks",
  ignore: skipPgTests(),
  fn: async () => {
    await using db = await freshDatabase();
    const a = postgres(db.url, { max: 1, onnotice: () => {} });
    const b = postgres(db.url, { max: 1, onnotice: () => {} });
    try {
      const heard = Promise.withResolvers<string>();
      await b.listen("jobs", (payload) => heard.resolve(payload));
      await a.notify("jobs", "42");
      assert.equal(await heard.promise, "42");

      await a`create table q (id int primary key)`;
      await a`insert into q values (1), (2)`;
      const [first, second] = await a.begin(async (tx) => {
        const mine = await tx`select id from q order by id limit 1
          for update skip locked`;
        const theirs = await b.begin((tx2) =>
          tx2`select id from q order by id limit 1 for update skip locked`
        );
        return [mine[0]?.id, theirs[0]?.id];
      });
      assert.deepEqual([first, second], [1, 2]);

      const [got] = await a`select pg_try_advisory_lock(7) as ok`;
      const [lost] = await b`select pg_try_advisory_lock(7) as ok`;
      assert.deepEqual([got?.ok, lost?.ok], [true, false]);
    } finally {
      await b.end();
      await a.end();
    }
  },
});

Deno.test({
  name: "postgres driver: works from a bundle with an empty DENO_DIR",
  ignore: skipPgTests(),
  fn: async () => {
    await using db = await freshDatabase();
    const dir = await Deno.makeTempDir({ prefix: "lora-bundle-" });
    try {
      const bundle = `${dir}/leader.js`;
      const child = new URL("./leader_child.ts", import.meta.url).pathname;
      const built = await new Deno.Command(Deno.execPath(), {
        args: [
          "bundle",
          "--frozen",
          "--quiet",
          "--platform=deno",
          child,
          "-o",
          bundle,
        ],
        stdout: "null",
        stderr: "piped",
      }).output();
      assert.ok(built.success, new TextDecoder().decode(built.stderr));
      await using leader = new LeaderChild(db.url, {
        script: bundle,
        env: { DENO_DIR: `${dir}/deno`, HOME: dir },
      });
      await leader.waitFor((e) => e.event === "active");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

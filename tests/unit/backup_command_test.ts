import assert from "node:assert/strict";
import { backupCommand } from "../../lib/commands/backup.ts";
import { loadConfig } from "../../lib/config/mod.ts";

Deno.test("backup with DATABASE_URL: exit 2, points to pg_dump, copies nothing, names no password", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lora-backup-" });
  try {
    const config = loadConfig({
      DATA_DIR: dir,
      DATABASE_URL: "postgres://lora:s3cret-pw@db.example:5432/lora",
    }, false);
    const lines: string[] = [];
    const code = await backupCommand(config, [`${dir}/copy.db`], (line) => {
      lines.push(line);
    });
    assert.equal(code, 2);
    assert.match(lines.join("\n"), /pg_dump/);
    assert.ok(!lines.join("\n").includes("s3cret-pw"));
    assert.deepEqual(await Array.fromAsync(Deno.readDir(dir)), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

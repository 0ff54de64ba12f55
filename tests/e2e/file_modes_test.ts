/**
 * The bot's files are private even when it runs outside systemd with the
 * usual umask 022: every file it creates in DATA_DIR (the database and
 * its -wal/-shm, processing_stats.json, the dashboard key, the log file,
 * spooled videos, backups) is 0600 and every folder 0700.
 */

import assert from "node:assert/strict";
import { FakeComfy } from "../fakes/comfyui/mod.ts";
import { FakeTelegram } from "../fakes/telegram/mod.ts";
import { SAMPLE_JPEG } from "../fixtures/media.ts";
import { botCommand, fakesEnv } from "./bot_process.ts";

async function modes(root: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(dir)) {
      const path = `${dir}/${entry.name}`;
      const info = await Deno.lstat(path);
      out.set(path.slice(root.length), (info.mode ?? 0) & 0o777);
      if (entry.isDirectory) await walk(path);
    }
  };
  out.set("/", ((await Deno.lstat(root)).mode ?? 0) & 0o777);
  await walk(root);
  return out;
}

Deno.test("under umask 022 the bot creates files 0600 and folders 0700", async () => {
  await using telegram = await FakeTelegram.start();
  await using comfy = await FakeComfy.start({ renderMs: 400 });
  const tmp = await Deno.makeTempDir({ prefix: "lora-modes-" });
  const dataDir = `${tmp}/data`;
  // DATA_DIR does not exist yet: the bot makes it.
  const env = {
    ...fakesEnv({ telegram, comfy }, dataDir),
    PROGRESS_INTERVAL: "0.05",
    ADMIN_USER_IDS: "1001",
    HTTP_PORT: "0",
  };
  try {
    const child = botCommand({ ...env, LOG_FILE: `${tmp}/bot.log` }, {
      shell: "umask 022",
    }).spawn();
    let during: Map<string, number>;
    try {
      const user = telegram.user(77, { first_name: "Ivan" });
      telegram.sendPhoto(user, SAMPLE_JPEG);
      // While rendering, the database has its -wal and -shm.
      await comfy.waitForRequest();
      during = await modes(dataDir);
      await telegram.waitForCall("sendVideo", { timeoutMs: 30_000 });
    } finally {
      child.kill("SIGTERM");
    }
    const output = await child.output();
    assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
    const backup = await botCommand(env, {
      shell: "umask 022",
      args: ["backup", `${dataDir}/copy.db`],
    }).output();
    assert.equal(backup.code, 0, new TextDecoder().decode(backup.stderr));
    const after = await modes(dataDir);
    for (
      const name of [
        "/balances.db-wal",
        "/balances.db-shm",
      ]
    ) assert.ok(during.has(name), `${name} exists while rendering`);
    for (
      const name of [
        "/",
        "/balances.db",
        "/lora-bot.lock",
        "/processing_stats.json",
        "/dashboard.key",
        "/tmp",
        "/tmp/videos",
        "/copy.db",
      ]
    ) assert.ok(after.has(name), `${name} exists`);
    const logMode = ((await Deno.lstat(`${tmp}/bot.log`)).mode ?? 0) & 0o777;
    assert.equal(logMode.toString(8), "600", "LOG_FILE");
    for (const [name, mode] of [...during, ...after]) {
      const info = await Deno.lstat(`${dataDir}${name}`).catch(() => null);
      const want = info?.isDirectory || name === "/" ? "700" : "600";
      if (info === null && name !== "/") {
        // Gone since (a spooled video): judged by its kind when seen.
        assert.ok(["600", "700"].includes(mode.toString(8)), name);
        continue;
      }
      assert.equal(mode.toString(8), want, name);
    }
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

/**
 * The operator's command line as shipped: `--version`, `--help` and
 * `check` from `deno task start` and from the bundle (`deno task bundle`,
 * the stand-in for the compiled binary), `check` against the fake Telegram
 * and the fake ComfyUI, and a configuration error under systemd reaching
 * the journal at error priority.
 */

import assert from "node:assert/strict";
import { FakeComfy } from "../fakes/comfyui/mod.ts";
import { FakeTelegram } from "../fakes/telegram/mod.ts";
import { botCommand } from "./bot_process.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const VERSION = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`))
  .version as string;
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function run(
  args: string[],
  env: Record<string, string> = {},
): Promise<Run> {
  const output = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    env: { NO_COLOR: "1", PATH: Deno.env.get("PATH") ?? "", ...env },
    clearEnv: true,
    stdin: "null",
  }).output();
  return {
    code: output.code,
    stdout: decode(output.stdout),
    stderr: decode(output.stderr),
  };
}

// `deno task start <args>`, as the README runs the bot from a checkout.
const viaTask = (args: string[], env?: Record<string, string>) =>
  run(["task", "--quiet", "start", ...args], env);

// The environment `check` gets: the two fakes and a fresh data dir.
const fakesEnv = (
  telegram: FakeTelegram,
  comfy: FakeComfy,
  dataDir: string,
) => ({
  BOT_TOKEN: telegram.token,
  TELEGRAM_API_ROOT: telegram.apiRoot,
  COMFYUI_URL: comfy.url,
  DATA_DIR: dataDir,
});

let bundled: Promise<void> | undefined;
// `deno task bundle` once, then the bundle as CI's smoke test runs it.
async function viaBundle(
  args: string[],
  env?: Record<string, string>,
): Promise<Run> {
  bundled ??= run(["task", "--quiet", "bundle"]).then((r) => {
    assert.equal(r.code, 0, r.stderr);
  });
  await bundled;
  return await run([
    "run",
    "--quiet",
    "--allow-env",
    "--allow-read",
    "--allow-write",
    "--allow-net",
    "dist/lora-bot.js",
    ...args,
  ], env);
}

for (
  const [name, runner] of [["task", viaTask], ["bundle", viaBundle]] as const
) {
  Deno.test(`--version and --help print to stdout and exit 0 (${name})`, async () => {
    const version = await runner(["--version"]);
    assert.equal(version.code, 0, version.stderr);
    assert.equal(version.stdout, `lora-bot ${VERSION}\n`);
    const help = await runner(["--help"]);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /^usage: lora-bot/);
    assert.match(help.stdout, /\n {2}check /);
    assert.match(help.stdout, /--version/);
    const unknown = await runner(["--frobnicate"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command "--frobnicate"/);
  });

  Deno.test(`check reaches Telegram and ComfyUI and exits 0 (${name})`, async () => {
    await using telegram = await FakeTelegram.start();
    await using comfy = await FakeComfy.start();
    const dataDir = await Deno.makeTempDir({ prefix: "lora-check-" });
    try {
      const result = await runner(
        ["check"],
        fakesEnv(telegram, comfy, dataDir),
      );
      assert.equal(result.code, 0, result.stdout + result.stderr);
      const lines = result.stdout.trim().split("\n");
      assert.equal(lines[0], "ok   config: the environment is valid");
      assert.equal(lines[1], `ok   DATA_DIR ${dataDir}: writable`);
      assert.match(
        lines[2] ?? "",
        /^ok {3}telegram: @lora_test_bot \(id \d+\)$/,
      );
      // The old bot's workflow: the photo only; the rest is not sent.
      assert.match(
        lines[3] ?? "",
        /^ok {3}comfyui .* \(connect\): reachable; workflow api-video takes image\.image$/,
      );
      assert.match(
        lines[4] ?? "",
        /^warn comfyui .* \(connect\): workflow api-video does not take duration\.value, size\.value, prompt\.text, negative\.text: videos render without them$/,
      );
      assert.equal(telegram.callsOf("getMe").length, 1);
      assert.ok(!result.stdout.includes(telegram.token.split(":")[1] ?? "?"));
    } finally {
      await Deno.remove(dataDir, { recursive: true });
    }
  });
}

Deno.test("check finds a workflow without the photo, a wrong token and a dead server", async (t) => {
  await using telegram = await FakeTelegram.start();
  await using comfy = await FakeComfy.start({
    tags: { photo: ["image"], size: ["value"] },
  });
  const dataDir = await Deno.makeTempDir({ prefix: "lora-check-" });
  const env = fakesEnv(telegram, comfy, dataDir);
  try {
    await t.step("a workflow without $image: exit 1", async () => {
      const result = await viaTask(["check"], env);
      assert.equal(result.code, 1, result.stdout + result.stderr);
      assert.match(
        result.stdout,
        /^FAIL comfyui .*: workflow api-video has no "Load Image \$image" node: jobs fail$/m,
      );
    });
    await t.step(
      "a token Telegram refuses, a closed port: exit 1",
      async () => {
        const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
        const port = closed.addr.port;
        closed.close();
        const secret = "SECRETPART_of_the_token_xyz";
        const result = await viaTask(["check"], {
          ...env,
          BOT_TOKEN: `123456789:${secret}`,
          COMFYUI_URLS:
            `http://127.0.0.1:${port};name=gpu-dead;token=comfysecret123`,
        });
        assert.equal(result.code, 1, result.stdout + result.stderr);
        assert.match(result.stdout, /^FAIL telegram: getMe: Unauthorized$/m);
        assert.match(result.stdout, /^FAIL comfyui gpu-dead \(connect\): /m);
        assert.ok(!result.stdout.includes(secret), result.stdout);
        assert.ok(!result.stdout.includes("comfysecret123"), result.stdout);
      },
    );
    await t.step("an invalid setting: one line, exit 2", async () => {
      const result = await viaTask(["check"], {
        ...env,
        TOKENS_PER_VIDEO: "ten",
      });
      assert.equal(result.code, 2);
      assert.equal(
        result.stdout,
        'FAIL config: TOKENS_PER_VIDEO: "ten" is not a whole number\n',
      );
    });
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("a configuration error under systemd reaches the journal at error priority", async () => {
  // systemd sets JOURNAL_STREAM when the output goes to journald, which
  // reads a leading <N> as the line's syslog priority (3 = err).
  const journal = await botCommand({
    TOKENS_PER_VIDEO: "ten",
    BOT_TOKEN: "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",
    JOURNAL_STREAM: "8:12345",
  }).output();
  assert.equal(journal.code, 2);
  assert.equal(
    decode(journal.stderr),
    '<3>lora-bot: TOKENS_PER_VIDEO: "ten" is not a whole number\n',
  );
  // On a terminal (no JOURNAL_STREAM) the same line has no prefix.
  const plain = await botCommand({ TOKENS_PER_VIDEO: "ten" }).output();
  assert.match(decode(plain.stderr), /^lora-bot: BOT_TOKEN: is required/);
});

/**
 * Starts the real ComfyUI-Connect plugin (tests/conformance/
 * connect_plugin.py under /usr/bin/python3) in front of a fake core
 * ComfyUI, with the saved workflows a test gives it.
 *
 * The plugin's source is not part of this repository: it is read from
 * `../shared/upstream/comfyui_connect` beside the repository root (where
 * CI puts a copy of shared/), or from `$UPSTREAM_DIR/comfyui_connect`.
 *
 * @module
 */

import type { FakeComfy } from "../fakes/comfyui/mod.ts";
import type { Graph } from "../fakes/comfyui/history.ts";

const ROOT = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");
// `shared/` beside the repository root: CI clones the repository next to it.
const SHARED_UPSTREAM = new URL("../../../shared/upstream", import.meta.url)
  .pathname;
const PYTHON = "/usr/bin/python3";
const SCRIPT = `${ROOT}/tests/conformance/connect_plugin.py`;

/** Where the plugin's source is expected. */
export function pluginDir(env: (name: string) => string | undefined): string {
  const upstream = env("UPSTREAM_DIR") ?? SHARED_UPSTREAM;
  return `${upstream}/comfyui_connect`;
}

/**
 * Why the plugin cannot run here, or undefined when it can: Python with
 * aiohttp and the plugin's source are needed.
 */
export async function missingPrerequisite(dir: string): Promise<
  string | undefined
> {
  try {
    await Deno.stat(`${dir}/__init__.py`);
  } catch {
    return `the plugin's source is not at ${dir} (set UPSTREAM_DIR)`;
  }
  try {
    const { code } = await new Deno.Command(PYTHON, {
      args: ["-c", "import aiohttp"],
      stdout: "null",
      stderr: "null",
    }).output();
    if (code !== 0) {
      return `${PYTHON} has no aiohttp (apt-get install python3-aiohttp)`;
    }
  } catch {
    return `${PYTHON} is missing (apt-get install python3-aiohttp)`;
  }
  return undefined;
}

/** The plugin, serving on 127.0.0.1. */
export interface Plugin extends AsyncDisposable {
  /** Base URL of the ComfyUI the bot talks to (plugin + core routes). */
  readonly url: string;
  /** What the plugin printed (stdout and stderr), for failure messages. */
  readonly output: string[];
}

/**
 * Runs the plugin with `workflows` saved (name → API graph) in front of
 * `core`, whose input folder must be `inputDir`.
 */
export async function startPlugin(options: {
  readonly dir: string;
  readonly core: FakeComfy;
  readonly inputDir: string;
  readonly workflows: Readonly<Record<string, Graph>>;
}): Promise<Plugin> {
  const temp = await Deno.makeTempDir({ prefix: "lora-plugin-" });
  const saved = `${temp}/user/default/ComfyUI-Connect/workflows`;
  await Deno.mkdir(saved, { recursive: true });
  await Deno.mkdir(`${temp}/output`);
  const port = Number(new URL(options.core.url).port);
  await Deno.writeTextFile(
    `${temp}/user/default/comfy.settings.json`,
    JSON.stringify({
      "Connect.ComfyUIHost": "127.0.0.1",
      "Connect.ComfyUIPort": port,
    }),
  );
  for (const [name, graph] of Object.entries(options.workflows)) {
    await Deno.writeTextFile(`${saved}/${name}.json`, JSON.stringify(graph));
  }
  const child = new Deno.Command(PYTHON, {
    args: [
      SCRIPT,
      options.dir,
      `${temp}/user`,
      options.inputDir,
      `${temp}/output`,
      options.core.url,
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    env: { PYTHONUNBUFFERED: "1", PYTHONDONTWRITEBYTECODE: "1" },
  }).spawn();
  const output: string[] = [];
  const listening = Promise.withResolvers<number>();
  const drain = async (stream: ReadableStream<Uint8Array>) => {
    const lines = stream.pipeThrough(new TextDecoderStream());
    let rest = "";
    for await (const chunk of lines) {
      const parts = (rest + chunk).split("\n");
      rest = parts.pop() ?? "";
      for (const line of parts) {
        output.push(line);
        const port = /^LISTENING (\d+)$/.exec(line)?.[1];
        if (port !== undefined) listening.resolve(Number(port));
      }
    }
    listening.reject(new Error(`the plugin stopped:\n${output.join("\n")}`));
  };
  const drained = Promise.all([drain(child.stdout), drain(child.stderr)]);
  const stop = async () => {
    await child.stdin.close().catch(() => {});
    await child.status;
    await drained;
    await Deno.remove(temp, { recursive: true });
  };
  let url: string;
  try {
    url = `http://127.0.0.1:${await listening.promise}`;
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, output, [Symbol.asyncDispose]: stop };
}

/**
 * Real bot processes (`main.ts start`, tests/e2e/bot_process.ts) against
 * the fakes, one or several instances on one database, each with its own
 * DATA_DIR: spawn, read their log lines as they come, ask their /healthz
 * and /metrics, kill and restart them, read the shared database and run
 * `lora-bot verify` on it. For the chaos test and the takeover tests.
 */

import type { SqlReader } from "../../lib/db/reader.ts";
import { botCommand, databaseReader, fakesEnv } from "../e2e/bot_process.ts";
import { FakeComfy, type FakeComfyOptions } from "../fakes/comfyui/mod.ts";
import { FakeTelegram } from "../fakes/telegram/mod.ts";
import { ChildLines } from "./lines.ts";
import { freshDatabase, type TestDatabase } from "./mod.ts";

/** One line of a bot's output (stdout or stderr) and when it arrived. */
export interface BotLine {
  readonly text: string;
  /** Date.now() when the line was read. */
  readonly at: number;
}

/** A bot process whose output is read a line at a time. */
export class BotChild implements AsyncDisposable {
  /** How the test names it (e.g. `A`, `B#2`). */
  readonly name: string;
  /** Resolves with its exit status. */
  readonly status: Promise<Deno.CommandStatus>;
  readonly #process: Deno.ChildProcess;
  readonly #lines: ChildLines<BotLine>;
  #exited = false;

  /** Starts `main.ts start` with exactly `env` (tests/e2e/bot_process.ts). */
  constructor(name: string, env: Record<string, string>) {
    this.name = name;
    this.#process = botCommand(env).spawn();
    this.status = this.#process.status.then((status) => {
      this.#exited = true;
      return status;
    });
    this.#lines = new ChildLines(
      [this.#process.stdout, this.#process.stderr],
      (text) => ({ text, at: Date.now() }),
    );
  }

  /** Whether the process has ended. */
  get exited(): boolean {
    return this.#exited;
  }

  /** Everything it printed so far. */
  get output(): string {
    return this.#lines.items.map((l) => l.text).join("\n");
  }

  /**
   * Its role by its latest `leader:` log line; undefined before the first
   * (still starting, or a standby that has not been active).
   */
  get role(): "active" | "standby" | undefined {
    const last = this.#lines.items.findLast((l) =>
      /leader: (active|stepped down)/.test(l.text)
    );
    if (last === undefined) return undefined;
    return /leader: active/.test(last.text) ? "active" : "standby";
  }

  /** Waits for a line matching `pattern`; throws if it exits first. */
  waitForLine(pattern: RegExp, timeoutMs = 60_000): Promise<BotLine> {
    return this.#lines.waitFor(
      `bot ${this.name}`,
      (l) => pattern.test(l.text),
      timeoutMs,
    );
  }

  /** Waits until it says it is active; resolves with that line. */
  waitForActive(timeoutMs = 60_000): Promise<BotLine> {
    return this.waitForLine(/leader: active/, timeoutMs);
  }

  /** Waits until its latest `leader:` line says `role`; throws if it exits. */
  async waitForRole(
    role: "active" | "standby",
    timeoutMs = 60_000,
  ): Promise<void> {
    await this.#lines.waitFor(
      `bot ${this.name} becoming ${role}`,
      () => this.role === role,
      timeoutMs,
    );
  }

  /** The port of its HTTP server (start it with HTTP_PORT=0). */
  async port(): Promise<number> {
    const line = await this.waitForLine(/http server listening .*port=\d+/);
    return Number(/port=(\d+)/.exec(line.text)?.[1]);
  }

  /** GET `path` on its HTTP server: status and body text. */
  async get(path: string): Promise<{ status: number; text: string }> {
    const url = `http://127.0.0.1:${await this.port()}${path}`;
    try {
      const response = await fetch(url, {
        signal: AbortSignal.timeout(10_000),
      });
      return { status: response.status, text: await response.text() };
    } catch (error) {
      throw new Error(
        `bot ${this.name}: GET ${path} failed` +
          (this.#exited ? `; it exited:\n${this.output}` : ""),
        { cause: error },
      );
    }
  }

  /** The role its /healthz reports, with the HTTP status. */
  async healthRole(): Promise<{ status: number; role: unknown }> {
    const { status, text } = await this.get("/healthz");
    return { status, role: (JSON.parse(text) as { role?: unknown }).role };
  }

  /** The value of `lora_leader_active` on its /metrics (1: active). */
  async leaderMetric(): Promise<string | undefined> {
    const { text } = await this.get("/metrics");
    return /^lora_leader_active (\S+)$/m.exec(text)?.[1];
  }

  /** Sends `signal` and waits for the exit. */
  async stop(signal: Deno.Signal = "SIGTERM"): Promise<Deno.CommandStatus> {
    if (!this.#exited) this.#process.kill(signal);
    return await this.status;
  }

  /** SIGTERM (if still running), then waits for it and its output. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
    await this.#lines.done;
  }
}

/** Options of {@link startFleet}. */
export interface FleetOptions {
  /** How many instances. */
  readonly instances: number;
  /**
   * true: they share a fresh PostgreSQL database, each with a DATA_DIR of
   * its own (two machines); false: they share one DATA_DIR and its SQLite
   * file (one machine).
   */
  readonly postgres: boolean;
  readonly comfy?: FakeComfyOptions;
  /** Added to every instance's environment (asked once, fakes started). */
  readonly env?: (telegram: FakeTelegram) => Record<string, string>;
}

/** Bot instances sharing the fakes and one database. */
export interface Fleet extends AsyncDisposable {
  readonly telegram: FakeTelegram;
  readonly comfy: FakeComfy;
  /** How many instances. */
  readonly instances: number;
  /** The DATA_DIRs (one per instance on PostgreSQL, one on SQLite). */
  readonly dataDirs: readonly string[];
  /** The shared PostgreSQL database (undefined on SQLite). */
  readonly databaseUrl: string | undefined;
  /** The environment of instance `i`. */
  env(i: number): Record<string, string>;
  /** Starts instance `i` (again, after a kill), named `name`. */
  spawn(i: number, name?: string): BotChild;
  /** Read-only SQL on the shared database (close it with `await using`). */
  reader(): SqlReader & AsyncDisposable;
  /** `lora-bot verify` on the shared database: exit code and output. */
  verify(): Promise<{ code: number; text: string }>;
  /** The files left in the video spool of each DATA_DIR. */
  spooled(): Promise<string[]>;
}

/** Starts the fakes, a database (PostgreSQL: a fresh one) and the dirs. */
export async function startFleet(options: FleetOptions): Promise<Fleet> {
  const telegram = await FakeTelegram.start();
  const comfy = await FakeComfy.start(options.comfy);
  const database: TestDatabase | undefined = options.postgres
    ? await freshDatabase()
    : undefined;
  const dataDirs: string[] = [];
  for (let i = 0; i < (database ? options.instances : 1); i++) {
    dataDirs.push(await Deno.makeTempDir({ prefix: `lora-fleet${i}-` }));
  }
  const shared = database === undefined ? {} : { DATABASE_URL: database.url };
  const extra = options.env?.(telegram);
  const env = (i: number) => ({
    ...fakesEnv({ telegram, comfy }, dataDirs[database ? i : 0] ?? ""),
    ...shared,
    ...extra,
  });
  return {
    telegram,
    comfy,
    instances: options.instances,
    dataDirs,
    databaseUrl: database?.url,
    env,
    spawn: (i, name = String(i)) => new BotChild(name, env(i)),
    reader: () => databaseReader(dataDirs[0] ?? "", database?.url),
    async verify() {
      const output = await botCommand(
        { DATA_DIR: dataDirs[0] ?? "", ...shared },
        { args: ["verify"] },
      ).output();
      const text = new TextDecoder().decode(output.stderr) +
        new TextDecoder().decode(output.stdout);
      return { code: output.code, text };
    },
    async spooled() {
      const files: string[] = [];
      for (const dir of dataDirs) {
        try {
          for await (const e of Deno.readDir(`${dir}/tmp/videos`)) {
            files.push(`${dir}/tmp/videos/${e.name}`);
          }
        } catch (error) {
          // An instance that never rendered has no spool at all.
          if (!(error instanceof Deno.errors.NotFound)) throw error;
        }
      }
      return files;
    },
    async [Symbol.asyncDispose]() {
      await comfy.close();
      await telegram.close();
      for (const dir of dataDirs) await Deno.remove(dir, { recursive: true });
      await database?.[Symbol.asyncDispose]();
    },
  };
}

/**
 * Polls `ready` until it holds; throws after `timeoutMs` (for state another
 * process changes: the fakes' records, the shared database).
 */
export async function until(
  what: string,
  ready: () => boolean | Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * Leadership in child processes (tests/pg/leader_child.ts): spawn, read
 * their event lines, SIGKILL one.
 */

import { ChildLines } from "./lines.ts";
import { standbyTried } from "./mod.ts";

const CHILD = new URL("./leader_child.ts", import.meta.url).pathname;

/** One event line of a child. */
export interface LeaderEvent {
  readonly event: "started" | "active" | "standby" | "stopped";
  readonly pid: number;
  /** The child's Date.now() when it printed the line. */
  readonly at: number;
  readonly reason?: string;
}

/** A child process running PgLeader. */
export class LeaderChild implements AsyncDisposable {
  readonly #process: Deno.ChildProcess;
  readonly #lines: ChildLines<LeaderEvent>;

  /**
   * Runs `script` (default tests/pg/leader_child.ts, or a bundle of it) on
   * the database at `url`, with `env` added.
   */
  constructor(
    url: string,
    options: { script?: string; env?: Record<string, string> } = {},
  ) {
    this.#process = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        ...(options.script === undefined ? ["--frozen"] : ["--no-lock"]),
        "--allow-net=127.0.0.1",
        "--allow-env",
        "--allow-read",
        options.script ?? CHILD,
      ],
      env: { DATABASE_URL: url, NO_COLOR: "1", ...options.env },
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    this.#lines = new ChildLines(
      [this.#process.stdout],
      (line) => JSON.parse(line) as LeaderEvent,
    );
  }

  /** The child's process id. */
  get pid(): number {
    return this.#process.pid;
  }

  /** Its event lines so far. */
  get events(): readonly LeaderEvent[] {
    return this.#lines.items;
  }

  /** Whether the latest event says active. */
  get active(): boolean {
    return this.events.findLast((e) => e.event !== "started")?.event ===
      "active";
  }

  /**
   * Waits until an event satisfies `test`; throws when the child ends or
   * after `timeoutMs`.
   */
  waitFor(
    test: (e: LeaderEvent) => boolean,
    timeoutMs = 30_000,
  ): Promise<LeaderEvent> {
    return this.#lines.waitFor(`leader child ${this.pid}`, test, timeoutMs);
  }

  /** SIGKILL: no cleanup runs, the socket is closed by the kernel. */
  kill(): void {
    this.#process.kill("SIGKILL");
  }

  /** SIGSTOP (a hung instance: its socket stays open) or SIGCONT. */
  freeze(frozen: boolean): void {
    this.#process.kill(frozen ? "SIGSTOP" : "SIGCONT");
  }

  /** SIGTERM: the child gives the leadership up and exits. */
  terminate(): void {
    this.#process.kill("SIGTERM");
  }

  /** Closes its standard input (it stops by itself) and waits for it. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.#process.stdin.close().catch(() => {});
    await this.#process.status;
    await this.#lines.done;
  }
}

/** How the active instance is stopped in {@link takeover}. */
export type StopSignal = "SIGKILL" | "SIGTERM" | "SIGSTOP";

/**
 * Starts an active and a standby child on `url`, sends `signal` to the
 * active one right after the standby's attempt (the worst phase of its
 * retry interval) and returns the ms until the standby reports active.
 * `then` runs with both children before they are disposed (a SIGSTOPped
 * one continued first).
 */
export async function takeover(
  url: string,
  signal: StopSignal,
  then?: (old: LeaderChild, next: LeaderChild) => void | Promise<void>,
): Promise<number> {
  await using old = new LeaderChild(url);
  await old.waitFor((e) => e.event === "active");
  await using next = new LeaderChild(url);
  await standbyTried(url);
  if (!old.active || next.active) throw new Error("not active and standby");
  const sentAt = Date.now();
  if (signal === "SIGKILL") old.kill();
  else if (signal === "SIGTERM") old.terminate();
  else old.freeze(true);
  let tookMs: number;
  try {
    tookMs = (await next.waitFor((e) => e.event === "active")).at - sentAt;
  } finally {
    if (signal === "SIGSTOP") old.freeze(false);
  }
  await then?.(old, next);
  return tookMs;
}

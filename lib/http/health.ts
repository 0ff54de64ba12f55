/**
 * `/healthz`: is the bot able to do its work? The database answers a
 * query, ComfyUI answered `/system_stats` in time at its last check, and
 * updates are arriving (long polling is alive, or webhook mode). ComfyUI
 * is probed at most once per COMFYUI_HEALTH_INTERVAL however often
 * `/healthz` is asked: a flood of requests must not become one to every
 * GPU server each. It also says which role this instance has: the active
 * one polls and runs jobs, a standby (PostgreSQL, two instances) waits and
 * is healthy without polling.
 *
 * @module
 */

/** The answer of one check. */
export interface Health {
  readonly ok: boolean;
  readonly database: "ok" | "down";
  readonly comfyui: "ok" | "down";
  readonly polling: "ok" | "stale";
  readonly role: "active" | "standby";
}

/** What {@link checkHealth} looks at. */
export interface HealthDeps {
  /** Whether the database answers. */
  readonly databaseOk: () => Promise<boolean>;
  readonly comfyuiUrl: string;
  /** Checks the render servers instead of `comfyuiUrl` (several servers). */
  readonly comfyuiOk?: () => Promise<boolean>;
  /** Whether updates are arriving (always true in webhook mode). */
  readonly pollingAlive: () => boolean;
  /** This instance's role (default: active, the single instance). */
  readonly role?: () => "active" | "standby";
  readonly fetch?: typeof fetch;
  /** How long ComfyUI may take to answer (default 2000 ms). */
  readonly timeoutMs?: number;
}

/**
 * `checkHealth` with the ComfyUI answer reused for `intervalMs`; callers
 * arriving while a probe runs share it.
 */
export function cachedHealth(
  deps: HealthDeps,
  options: { readonly intervalMs: number; readonly now: () => number },
): () => Promise<Health> {
  let last: { at: number; ok: Promise<boolean> } | undefined;
  const probe = () => comfyOk(deps);
  const comfyuiOk = (): Promise<boolean> => {
    const now = options.now();
    if (last === undefined || now - last.at >= options.intervalMs) {
      last = { at: now, ok: probe() };
    }
    return last.ok;
  };
  return () => checkHealth({ ...deps, comfyuiOk });
}

/** Runs the checks; never throws. */
export async function checkHealth(deps: HealthDeps): Promise<Health> {
  const database = await deps.databaseOk().catch(() => false) ? "ok" : "down";
  const comfyui = await comfyOk(deps) ? "ok" : "down";
  const polling = deps.pollingAlive() ? "ok" : "stale";
  return {
    ok: database === "ok" && comfyui === "ok" && polling === "ok",
    database,
    comfyui,
    polling,
    role: deps.role?.() ?? "active",
  };
}

async function comfyOk(deps: HealthDeps): Promise<boolean> {
  if (deps.comfyuiOk !== undefined) {
    return await deps.comfyuiOk().catch(() => false);
  }
  const fetchFn = deps.fetch ?? fetch;
  try {
    const response = await fetchFn(`${deps.comfyuiUrl}/system_stats`, {
      signal: AbortSignal.timeout(deps.timeoutMs ?? 2000),
    });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

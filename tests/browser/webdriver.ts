/**
 * A small W3C WebDriver client for the browser tests: starts Debian's
 * `chromedriver` on a free port, opens headless Chromium with a fresh
 * profile and the flags this machine's closed network needs, and drives it
 * with plain `fetch`. (playwright-core works under Deno too, but needs
 * `--allow-sys`, which the test task does not grant.)
 */

/** Where the browser and its driver are (env overrides for other hosts). */
export const CHROMIUM = Deno.env.get("CHROMIUM_PATH") ?? "/usr/bin/chromium";
/** The driver binary. */
export const CHROMEDRIVER = Deno.env.get("CHROMEDRIVER_PATH") ??
  "/usr/bin/chromedriver";

// Without these Chromium hangs or waits on the network at start here.
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

/**
 * Why the browser tests cannot run here, or undefined when they can. In
 * CI (`CI=true`) they must run, so the caller fails instead of skipping.
 */
export function browserMissing(): string | undefined {
  for (const path of [CHROMIUM, CHROMEDRIVER]) {
    try {
      Deno.statSync(path);
    } catch {
      return `${path} is missing (apt-get install chromium chromium-driver)`;
    }
  }
  return undefined;
}

/** Whether browser tests are skipped here; says why on stderr. */
export function skipBrowserTests(): boolean {
  const missing = browserMissing();
  if (missing === undefined || Deno.env.get("CI") === "true") return false;
  Deno.stderr.writeSync(
    new TextEncoder().encode(`skipping browser tests: ${missing}\n`),
  );
  return true;
}

/** A WebDriver element reference (one key: the W3C element identifier). */
export type Element = Readonly<Record<string, string>>;

/** One browser session. */
export class Browser implements AsyncDisposable {
  readonly #driver: Deno.ChildProcess;
  readonly #url: string;
  readonly #profile: string;

  private constructor(driver: Deno.ChildProcess, url: string, profile: string) {
    this.#driver = driver;
    this.#url = url;
    this.#profile = profile;
  }

  /** Starts chromedriver and a headless Chromium of `width`×`height`. */
  static async start(width = 1280, height = 900): Promise<Browser> {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = listener.addr.port;
    listener.close();
    const driver = new Deno.Command(CHROMEDRIVER, {
      args: [`--port=${port}`, "--allowed-ips=127.0.0.1"],
      stdout: "null",
      stderr: "null",
    }).spawn();
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0;; i++) {
      const ready = await fetch(`${base}/status`).then(
        async (r) => (await r.json()).value?.ready === true,
        () => false,
      );
      if (ready) break;
      if (i > 100) {
        driver.kill();
        await driver.status;
        throw new Error("chromedriver did not start");
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const profile = await Deno.makeTempDir({ prefix: "lora-chromium-" });
    const session = await call(base, "POST", "/session", {
      capabilities: {
        alwaysMatch: {
          browserName: "chrome",
          "goog:chromeOptions": {
            binary: CHROMIUM,
            args: [
              ...CHROMIUM_ARGS,
              `--user-data-dir=${profile}`,
              `--window-size=${width},${height}`,
            ],
          },
        },
      },
    }) as { sessionId: string };
    return new Browser(driver, `${base}/session/${session.sessionId}`, profile);
  }

  /** Opens a URL and waits for the page to load. */
  async go(url: string): Promise<void> {
    await call(this.#url, "POST", "/url", { url });
  }

  /** The current URL. */
  async url(): Promise<string> {
    return String(await call(this.#url, "GET", "/url"));
  }

  /** Runs a script in the page (`return …` gives its value). */
  async run<T>(script: string, ...args: unknown[]): Promise<T> {
    return await call(this.#url, "POST", "/execute/sync", {
      script,
      args,
    }) as T;
  }

  /** Waits until a script returns a truthy value. */
  async waitFor(script: string, timeoutMs = 10_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!(await this.run<unknown>(script))) {
      if (Date.now() > end) throw new Error(`timed out waiting: ${script}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** The first element matching a CSS selector. */
  async find(selector: string): Promise<Element> {
    return await call(this.#url, "POST", "/element", {
      using: "css selector",
      value: selector,
    }) as Element;
  }

  /** Types into an element. */
  async type(selector: string, text: string): Promise<void> {
    const id = elementId(await this.find(selector));
    await call(this.#url, "POST", `/element/${id}/clear`, {});
    await call(this.#url, "POST", `/element/${id}/value`, { text });
  }

  /** Clicks an element. */
  async click(selector: string): Promise<void> {
    const id = elementId(await this.find(selector));
    await call(this.#url, "POST", `/element/${id}/click`, {});
  }

  /** A PNG of the viewport. */
  async screenshot(): Promise<Uint8Array> {
    const base64 = String(await call(this.#url, "GET", "/screenshot"));
    return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  }

  /** Ends the session, stops the driver, removes the profile. */
  async [Symbol.asyncDispose](): Promise<void> {
    await call(this.#url, "DELETE", "").catch(() => {});
    try {
      this.#driver.kill();
    } catch {
      // Already gone.
    }
    await this.#driver.status;
    await Deno.remove(this.#profile, { recursive: true }).catch(() => {});
  }
}

function elementId(element: Element): string {
  const id = Object.values(element)[0];
  if (id === undefined) throw new Error("WebDriver returned no element");
  return id;
}

async function call(
  base: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = await response.json() as { value: unknown };
  if (!response.ok) {
    const error = json.value as { error?: string; message?: string };
    throw new Error(
      `WebDriver ${method} ${path}: ${error.error} ${error.message ?? ""}`,
    );
  }
  return json.value;
}

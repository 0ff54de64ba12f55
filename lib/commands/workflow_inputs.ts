/**
 * The inputs a ComfyUI-Connect workflow exposes, as `GET
 * /api/connect/workflows/<name>` reports them:
 * `{"status":"success","workflow":{"name","inputs":{"<tag>":{"<input>":
 * "<type>"}},"outputs":[...]}}`.
 *
 * TODO(#16): the lead unifies this with lib/comfy's fetchWorkflowInputs
 * (issue 13) after the merge.
 *
 * @module
 */

/** tag → input → the plugin's type name (`int`, `str`, …). */
export type WorkflowInputs = Record<string, Record<string, string>>;

/** Where and how to ask (the server entry's URL, headers and token). */
export interface WorkflowServer {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly token: string | undefined;
}

/**
 * Fetches the workflow's inputs. Throws an Error whose message names the
 * path and the HTTP status (never the URL: it may carry `?token=`).
 */
export async function fetchWorkflowInputs(
  server: WorkflowServer,
  workflow: string,
  options: { fetch?: typeof fetch; signal?: AbortSignal } = {},
): Promise<WorkflowInputs> {
  const path = `/api/connect/workflows/${encodeURIComponent(workflow)}`;
  const url = new URL(server.url + path);
  if (server.token !== undefined) url.searchParams.set("token", server.token);
  const response = await (options.fetch ?? fetch)(url, {
    headers: server.headers,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`GET ${path} answered HTTP ${response.status}`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`GET ${path} answered something that is not JSON`);
  }
  const inputs = (body as { workflow?: { inputs?: unknown } } | null)
    ?.workflow?.inputs;
  if (typeof inputs !== "object" || inputs === null) {
    throw new Error(`GET ${path} answered without workflow.inputs`);
  }
  const out: WorkflowInputs = {};
  for (const [tag, fields] of Object.entries(inputs)) {
    if (typeof fields !== "object" || fields === null) continue;
    out[tag] = Object.fromEntries(
      Object.entries(fields).map(([k, v]) => [k, String(v)]),
    );
  }
  return out;
}

/**
 * Narrow readers for ComfyUI's `/history` answers. ComfyUI is not typed,
 * so every field is checked instead of cast.
 */

/** A file that ComfyUI serves through `/view`. */
export interface OutputFile {
  readonly filename: string;
  readonly subfolder: string;
  readonly type: string;
}

/** What the bot needs from one history entry. */
export interface HistoryEntry {
  readonly promptId: string;
  /** `success`, `error`, or undefined while ComfyUI has not said. */
  readonly status: string | undefined;
  readonly completed: boolean;
  /** The execution error ComfyUI reported, if any. */
  readonly error: string | undefined;
  readonly video: OutputFile | undefined;
  /** The API-format graph that ran (`prompt[2]`). */
  readonly graph: unknown;
}

const VIDEO_EXTENSIONS = /\.(mp4|webm|mov|mkv)$/i;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asFile(value: unknown): OutputFile | undefined {
  if (!isRecord(value) || typeof value.filename !== "string") return undefined;
  const format = typeof value.format === "string" ? value.format : "";
  if (!VIDEO_EXTENSIONS.test(value.filename) && !format.startsWith("video/")) {
    return undefined;
  }
  return {
    filename: value.filename,
    subfolder: typeof value.subfolder === "string" ? value.subfolder : "",
    type: typeof value.type === "string" ? value.type : "output",
  };
}

/**
 * The video among a history entry's outputs: nodes may put it under
 * `images` (SaveVideo), `gifs` (VideoHelperSuite) or `videos`; a saved
 * output is preferred over a temporary preview.
 */
export function pickVideo(outputs: unknown): OutputFile | undefined {
  if (!isRecord(outputs)) return undefined;
  const found: OutputFile[] = [];
  for (const node of Object.values(outputs)) {
    if (!isRecord(node)) continue;
    for (const list of Object.values(node)) {
      if (!Array.isArray(list)) continue;
      for (const item of list) {
        const file = asFile(item);
        if (file !== undefined) found.push(file);
      }
    }
  }
  return found.find((f) => f.type === "output") ?? found[0];
}

function errorOf(status: Record<string, unknown>): string | undefined {
  if (status.status_str !== "error") return undefined;
  const messages = Array.isArray(status.messages) ? status.messages : [];
  for (const message of messages) {
    if (!Array.isArray(message) || !isRecord(message[1])) continue;
    const [event, data] = message;
    if (event === "execution_error") {
      const type = String(data.exception_type ?? "error");
      const text = String(data.exception_message ?? "").split("\n")[0];
      return `${type}: ${text}`.slice(0, 300);
    }
    if (event === "execution_interrupted") return "interrupted";
  }
  return "execution failed";
}

/** Reads one entry of a `/history` answer. */
export function parseEntry(promptId: string, value: unknown): HistoryEntry {
  const entry = isRecord(value) ? value : {};
  const status = isRecord(entry.status) ? entry.status : {};
  const prompt = Array.isArray(entry.prompt) ? entry.prompt : [];
  return {
    promptId,
    status: typeof status.status_str === "string"
      ? status.status_str
      : undefined,
    completed: status.completed === true,
    error: errorOf(status),
    video: pickVideo(entry.outputs),
    graph: prompt[2],
  };
}

/** Whether an API-format graph has a node input equal to `value`. */
export function graphUses(graph: unknown, value: string): boolean {
  if (!isRecord(graph)) return false;
  return Object.values(graph).some((node) =>
    isRecord(node) && isRecord(node.inputs) &&
    Object.values(node.inputs).some((input) => input === value)
  );
}

/** Where a prompt stands in ComfyUI's `/queue`. */
export interface QueuedPrompt {
  readonly promptId: string;
  readonly running: boolean;
}

/** Finds the queued prompt whose graph loads `inputName`. */
export function findInQueue(
  queue: unknown,
  inputName: string,
): QueuedPrompt | undefined {
  if (!isRecord(queue)) return undefined;
  for (
    const [key, running] of [["queue_running", true], [
      "queue_pending",
      false,
    ]] as const
  ) {
    const items = Array.isArray(queue[key]) ? queue[key] : [];
    for (const item of items) {
      if (!Array.isArray(item) || typeof item[1] !== "string") continue;
      if (graphUses(item[2], inputName)) return { promptId: item[1], running };
    }
  }
  return undefined;
}

/**
 * Finds the entry whose graph loaded the image named `inputName`.
 * ComfyUI-Connect does not return the prompt id, and the input file name
 * carries the bot's own client id, so it identifies the job (and keeps one
 * user from ever receiving another user's video).
 */
export function findByInput(
  history: unknown,
  inputName: string,
): HistoryEntry | undefined {
  if (!isRecord(history)) return undefined;
  for (const [promptId, value] of Object.entries(history)) {
    const entry = parseEntry(promptId, value);
    if (graphUses(entry.graph, inputName)) return entry;
  }
  return undefined;
}

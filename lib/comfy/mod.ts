/**
 * ComfyUI: the two backends behind one {@link Renderer} interface — the
 * ComfyUI-Connect client with its `/history` fallback, and the plain
 * ComfyUI (core) client with workflow templates and live progress — the
 * readers for ComfyUI's untyped answers, and typed errors.
 *
 * @module
 */

export { ConnectClient, type ConnectClientOptions } from "./connect/client.ts";
export { CoreClient, type CoreClientOptions } from "./core/client.ts";
export {
  inputFileName,
  type RecoverRequest,
  type Renderer,
  type RenderProgress,
  type RenderRequest,
  type RenderResult,
} from "./types.ts";
export {
  ComfyError,
  type ComfyErrorKind,
  ComfyHttpError,
  ComfyJobError,
  ComfyLostError,
  ComfyOutputError,
  ComfyTimeoutError,
  ComfyUnreachableError,
} from "./errors.ts";
export {
  findByInput,
  findInQueue,
  graphUses,
  type HistoryEntry,
  type OutputFile,
  parseEntry,
  pickVideo,
  type QueuedPrompt,
} from "./history.ts";
export { decodeBase64, encodeBase64 } from "./base64.ts";
export {
  MAX_VIDEO_BYTES,
  type SpoolWriteOptions,
  type VideoFile,
  VideoSpool,
} from "./spool.ts";
export { promptIdFor } from "./core/wire.ts";
export {
  fetchWorkflowInputs,
  type FetchWorkflowInputsOptions,
  ignoredEverywhere,
  IMAGE_INPUT,
  type InputFeature,
  type MissingInput,
  parseWorkflowInputs,
  refName,
  takesInput,
  type WorkflowInputs,
  type WorkflowSupport,
} from "./workflow_inputs.ts";
export { ComfyHttp, type ComfyHttpOptions } from "./http.ts";
export {
  buildPrompt,
  frameCount,
  type Graph,
  parseTemplate,
  type PromptParams,
  type Template,
  TemplateError,
  type TemplateMapping,
  videoSize,
} from "./workflow.ts";
export {
  BUILT_IN_TEMPLATES,
  DEFAULT_TEMPLATE,
  loadTemplate,
  type ReadTextFile,
} from "./templates/mod.ts";
export { type WebSocketConstructor } from "./core/ws.ts";
export { exchangeLoggingFetch } from "./exchange_log.ts";
export { RenderPool } from "./pool/pool.ts";
export type { Assignments, ServerStatus } from "./pool/pool.ts";
export { PreviewRenderer } from "./preview.ts";
export { parseServer, parseServers, ServerSpecError } from "./pool/servers.ts";
export type { ServerSpec } from "./pool/servers.ts";
export type { InputRef } from "./types.ts";

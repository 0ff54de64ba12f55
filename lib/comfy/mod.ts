/**
 * ComfyUI: the ComfyUI-Connect client with its `/history` fallback, the
 * readers for ComfyUI's untyped answers, and typed errors.
 *
 * @module
 */

export {
  ConnectClient,
  type ConnectClientOptions,
  inputFileName,
  type RecoverRequest,
  type Renderer,
  type RenderRequest,
  type RenderResult,
} from "./connect.ts";
export {
  ComfyError,
  type ComfyErrorKind,
  ComfyHttpError,
  ComfyJobError,
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

import { ComfyError, type ComfyErrorKind } from "../comfy/mod.ts";
import type { ImageProblem } from "../media/mod.ts";
import { PhotoDownloadError } from "../telegram/mod.ts";

/** Why a job ended without a video, as the user is told. */
export type FailureReason =
  | ComfyErrorKind
  | ImageProblem
  | "photo"
  | "not_image"
  | "send"
  | "lost"
  | "too_big"
  | "internal";

/** A job stopped for a reason of the bot's own (not ComfyUI's). */
export class JobError extends Error {
  readonly reason: FailureReason | "cancelled" | "shutdown";

  constructor(
    reason: FailureReason | "cancelled" | "shutdown",
    message: string = reason,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "JobError";
    this.reason = reason;
  }
}

/** The user-facing reason of any error a job can end with. */
export function reasonOf(error: unknown): FailureReason {
  if (error instanceof ComfyError) return error.kind;
  if (error instanceof PhotoDownloadError) return "photo";
  if (
    error instanceof JobError && error.reason !== "cancelled" &&
    error.reason !== "shutdown"
  ) {
    return error.reason;
  }
  return "internal";
}

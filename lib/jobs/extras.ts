/**
 * What issue 17 added to a job, kept apart from the store's core columns:
 * the aspect ratio of the video, and for a group's /animate the group the
 * video goes to and the photo message it answers (status texts and the
 * balance stay in the asker's private chat, `chatId`).
 *
 * @module
 */

import type { SQLOutputValue } from "node:sqlite";
import { type Aspect, parseAspect } from "../media/mod.ts";

/** Optional job fields (absent: the private chat, the photo's ratio). */
export interface JobExtras {
  /** The aspect ratio (undefined: the photo's). */
  readonly aspect?: Aspect | undefined;
  /** Where the video goes, when not the private chat (a group). */
  readonly videoChatId?: number | undefined;
  /** The message the video replies to (the photo in the group). */
  readonly replyTo?: number | undefined;
}

/** The `jobs` columns of {@link JobExtras}, in {@link extrasValues}' order. */
export const EXTRA_COLUMNS = "aspect, video_chat, reply_to";

/** Values for {@link EXTRA_COLUMNS}. */
export function extrasValues(job: JobExtras): (string | number | null)[] {
  return [
    job.aspect === "photo" ? null : job.aspect ?? null,
    job.videoChatId ?? null,
    job.replyTo ?? null,
  ];
}

/** Reads the extras of a `jobs` row. */
export function extrasOf(row: Record<string, SQLOutputValue>): JobExtras {
  const aspect = parseAspect(row.aspect);
  const num = (v: SQLOutputValue | undefined) =>
    v === null || v === undefined ? undefined : Number(v);
  const videoChatId = num(row.video_chat);
  const replyTo = num(row.reply_to);
  return {
    ...(aspect ? { aspect } : {}),
    ...(videoChatId !== undefined ? { videoChatId } : {}),
    ...(replyTo !== undefined ? { replyTo } : {}),
  };
}

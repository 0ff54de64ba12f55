import type { Api } from "grammy";
import { type Locale, messages } from "../i18n/mod.ts";
import type { Logger } from "../log.ts";
import type { JobStore } from "./store.ts";

/** What {@link recoverJobs} needs. */
export interface RecoverOptions {
  readonly api: Api;
  readonly jobs: JobStore;
  readonly log: Logger;
}

/**
 * Jobs left unfinished by a previous process (a crash, a restart) are
 * refunded and their users told, so no token stays held forever.
 * TODO(#4): resume jobs that ComfyUI still knows instead of refunding them.
 */
export async function recoverJobs(options: RecoverOptions): Promise<number> {
  const unfinished = options.jobs.unfinished();
  for (const job of unfinished) {
    options.jobs.fail(job.id, "interrupted: the bot restarted");
    options.log.warn("refunded a job interrupted by a restart", {
      job: job.id,
      user: job.userId,
      state: job.state,
    });
    const t = messages(job.locale as Locale);
    await options.api.sendMessage(
      job.chatId,
      t.failed({ reason: t.reasons.restarted }),
    ).catch((error) => options.log.warn("cannot tell the user", { error }));
  }
  return unfinished.length;
}

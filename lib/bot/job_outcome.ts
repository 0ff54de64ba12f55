/**
 * What the user is told when a video was asked for and did not start
 * (quick mode and the wizard say it the same way).
 *
 * @module
 */

import type { StartOutcome } from "../jobs/mod.ts";
import type { BotContext } from "./context.ts";
import type { BotDeps } from "./deps.ts";
import { notEnoughContext, notEnoughReply } from "./money_view.ts";

/** The text for an outcome that needs one; undefined when the job started. */
export function outcomeText(
  ctx: BotContext,
  deps: BotDeps,
  outcome: StartOutcome,
): string | undefined {
  switch (outcome.kind) {
    case "started":
    case "duplicate":
      // The job's own progress message speaks from here on.
      return undefined;
    case "busy":
      return ctx.t.busy({ limit: outcome.limit });
    case "cooldown":
      // Said once per wait: a flood of files gets one answer.
      return outcome.tell
        ? ctx.t.cooldown({ seconds: outcome.seconds })
        : undefined;
    case "insufficient":
      return notEnoughReply(ctx.t, outcome, notEnoughContext(deps)).text;
  }
}

import { Composer } from "grammy";
import { formatWait } from "../../i18n/mod.ts";
import type { BotContext } from "../context.ts";
import type { BotDeps } from "../deps.ts";
import { isAdmin } from "../admin_view.ts";
import type { WorkflowSupport } from "../../comfy/mod.ts";

// What the server's ComfyUI-Connect workflow takes: an operator of the old
// bot sees here why durations or prompts make no difference.
function workflowLine(ctx: BotContext, w: WorkflowSupport): string {
  const state = !w.image
    ? "noImage"
    : w.source === "unknown"
    ? "unknown"
    : w.source === "unlisted"
    ? "unlisted"
    : w.missing.length > 0
    ? "missing"
    : "all";
  return ctx.t.admin.backendWorkflow({
    workflow: w.workflow,
    state,
    missing: w.missing.map((m) => m.ref).join(", "),
    off: w.off.join(", "),
    error: (w.error ?? "").slice(0, 200),
  });
}

/** `/backends`: each render server's state, queue, jobs and failures. */
export function adminBackendsFeature(deps: BotDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command("backends", async (ctx, next) => {
    if (!isAdmin(ctx, deps)) return next();
    const a = ctx.t.admin;
    const servers = deps.backends?.status() ?? [];
    if (servers.length === 0) {
      await ctx.reply(a.backendsNone);
      return;
    }
    const lines = servers.map((s) =>
      [
        a.backendLine({
          name: s.name,
          kind: s.kind,
          up: s.up,
          active: s.active,
          concurrency: s.concurrency,
          queue: s.queue === undefined ? "?" : String(s.queue),
          done: s.done,
          failures: s.failures,
          mean: s.meanSeconds === undefined
            ? "—"
            : formatWait(ctx.locale, s.meanSeconds),
          error: (s.lastError ?? "").slice(0, 200),
        }),
        ...(s.workflow ? [workflowLine(ctx, s.workflow)] : []),
      ].join("\n")
    );
    await ctx.reply([a.backendsTitle, ...lines].join("\n\n"));
  });
  return feature;
}

import { Composer } from "grammy";
import { formatWait } from "../../i18n/mod.ts";
import type { BotContext } from "../context.ts";
import type { BotDeps } from "../deps.ts";
import { isAdmin } from "../admin_view.ts";

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
      })
    );
    await ctx.reply([a.backendsTitle, ...lines].join("\n\n"));
  });
  return feature;
}

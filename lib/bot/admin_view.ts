/**
 * Texts of the admin commands, built from lib/admin's read-only queries.
 *
 * @module
 */

import type { UserPage, UserSummary } from "../admin/mod.ts";
import { formatDate } from "../i18n/mod.ts";
import type { JobState } from "../jobs/mod.ts";
import type { JournalEntry } from "../ledger/mod.ts";
import type { BotContext } from "./context.ts";
import type { BotDeps } from "./deps.ts";

const NAME_LIMIT = 64;

/** Whether the sender is one of ADMIN_USER_IDS. */
export function isAdmin(ctx: BotContext, deps: BotDeps): boolean {
  return ctx.from !== undefined && deps.adminUserIds.includes(ctx.from.id);
}

/** "First Last", else @username, else "no name"; cut to a sane length. */
export function displayName(
  ctx: BotContext,
  user: Pick<UserSummary, "firstName" | "lastName" | "username">,
): string {
  const full = [user.firstName, user.lastName].filter((part) => part).join(" ")
    .trim();
  const name = full || (user.username ? `@${user.username}` : "") ||
    ctx.t.admin.unnamed;
  return [...name].length > NAME_LIMIT
    ? `${[...name].slice(0, NAME_LIMIT - 1).join("")}…`
    : name;
}

/** One page of /users, in the old bot's layout. */
export function usersText(ctx: BotContext, page: UserPage): string {
  const a = ctx.t.admin;
  if (page.total === 0) return a.usersEmpty;
  const cards = page.users.map((user) =>
    a.userCard({
      name: displayName(ctx, user),
      id: user.userId,
      username: user.username,
      tokens: user.tokens,
      videos: user.videos,
      since: formatDate(ctx.locale, user.createdAt),
    })
  );
  return [
    a.usersTitle,
    ...cards,
    a.usersTotal({
      total: page.total,
      page: page.page + 1,
      pages: page.pages,
    }),
  ].join("\n\n");
}

function journalLine(ctx: BotContext, entry: JournalEntry): string {
  return ctx.t.admin.journalLine({
    when: formatDate(ctx.locale, entry.createdAt, { time: true }) ??
      entry.createdAt,
    kind: ctx.t.admin.kinds[entry.kind] ?? entry.kind,
    // A capture spends held tokens and leaves `tokens` alone: show that.
    amount: entry.amount !== 0 ? entry.amount : entry.heldDelta,
    after: entry.tokensAfter,
  });
}

/** /user: the account, its latest journal rows and jobs. */
export function userText(
  ctx: BotContext,
  deps: BotDeps,
  user: UserSummary,
): string {
  const a = ctx.t.admin;
  const journal = deps.ledger.journal(user.userId, 10)
    .map((entry) => journalLine(ctx, entry));
  const jobs = deps.admin.jobs(user.userId, 5).map((job) =>
    a.jobLine({
      when: formatDate(ctx.locale, job.createdAt, { time: true }) ??
        job.createdAt,
      duration: job.duration,
      quality: ctx.t.quality(job.quality),
      cost: job.cost,
      state: a.states[job.state as JobState] ?? job.state,
      seconds: job.renderSeconds === undefined
        ? undefined
        : Math.round(job.renderSeconds),
    })
  );
  return [
    a.detail({
      name: displayName(ctx, user),
      id: user.userId,
      username: user.username,
      tokens: user.tokens,
      held: user.held,
      spent: user.spent,
      videos: user.videos,
      language: user.language ?? "—",
      since: formatDate(ctx.locale, user.createdAt),
      seen: formatDate(ctx.locale, user.updatedAt, { time: true }),
    }) + referralLine(ctx, deps, user.userId),
    [a.journalTitle, ...(journal.length ? journal : [a.journalEmpty])]
      .join("\n"),
    [a.jobsTitle, ...(jobs.length ? jobs : [a.jobsEmpty])].join("\n"),
  ].join("\n\n");
}

// The user's invitations, when referrals are on.
function referralLine(ctx: BotContext, deps: BotDeps, userId: number): string {
  const referrals = deps.money?.referrals;
  if (referrals === undefined || referrals.bonus <= 0) return "";
  return `\n${ctx.t.admin.money.referrals(referrals.counts(userId))}`;
}

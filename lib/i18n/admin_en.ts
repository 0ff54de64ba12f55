import type { adminRu } from "./admin_ru.ts";
import { adminMoneyEn } from "./admin_money_en.ts";
import { pluralEn } from "./plural.ts";

const tokens = (n: number) => `${n} ${pluralEn(n, "token", "tokens")}`;
const signed = (n: number) => (n > 0 ? `+${n}` : n < 0 ? `−${-n}` : "0");

/** English texts of the admin commands. */
export const adminEn: typeof adminRu = {
  addUsage: `Usage: /addtokens USER_ID AMOUNT\n` +
    `Example: /addtokens 423721043 100\n` +
    `A negative AMOUNT takes tokens away (to correct a mistake), ` +
    `but a balance never goes below zero.`,
  userUsage: `Usage: /user USER_ID\nExample: /user 423721043`,
  noUser: (p) => `User ${p.id} not found.`,
  added: (p) =>
    `✅ ${p.name} (ID ${p.id}): ${signed(p.applied)} ` +
    `${pluralEn(p.applied, "token", "tokens")}.\n` +
    `💰 New balance: ${tokens(p.balance)}.`,
  clamped: (p) =>
    `Asked for ${signed(p.requested)}, but a balance cannot go below zero.`,
  nothingToTake: (p) =>
    `${p.name} (ID ${p.id}) already has 0 tokens: nothing to take.`,
  notified: `📬 The user was notified.`,
  notifyFailed: `⚠️ Could not notify the user ` +
    `(they never started the bot or blocked it).`,
  received: (p) =>
    `🎁 You received ${tokens(p.amount)}!\n` +
    `💰 Balance: ${tokens(p.balance)}. Send a photo to create a video.`,
  usersTitle: `📋 Users:`,
  userCard: (p) =>
    `👤 ${p.name}\n   ID: ${p.id}\n` +
    (p.username ? `   @${p.username}\n` : "") +
    `   💰 Tokens: ${p.tokens}\n   🎬 Videos: ${p.videos}` +
    (p.since ? `\n   📅 Since ${p.since}` : ""),
  usersTotal: (p) =>
    `📊 Users in total: ${p.total}` +
    (p.pages > 1 ? `\nPage ${p.page} of ${p.pages}` : ""),
  usersEmpty: `No users yet.`,
  unnamed: `no name`,
  detail: (p) =>
    `👤 ${p.name}\nID: ${p.id}` +
    (p.username ? `\n@${p.username}` : "") +
    `\n\n💰 Tokens: ${p.tokens}` +
    (p.held > 0 ? ` (plus ${p.held} reserved)` : "") +
    `\n💸 Spent: ${tokens(p.spent)}\n🎬 Videos: ${p.videos}` +
    `\n🌐 Language: ${p.language}` +
    (p.since ? `\n📅 Since ${p.since}` : "") +
    (p.seen ? `\n🕒 Last active: ${p.seen}` : ""),
  journalTitle: `📒 Latest token movements:`,
  journalLine: (p) => `• ${p.when} ${p.kind} ${signed(p.amount)} → ${p.after}`,
  journalEmpty: `• no movements`,
  jobsTitle: `🎬 Latest jobs:`,
  jobLine: (p) =>
    `• ${p.when} ${p.duration} s, ${p.quality}, ${tokens(p.cost)}: ` +
    `${p.state}` + (p.seconds === undefined ? "" : ` (${p.seconds} s)`),
  jobsEmpty: `• no jobs`,
  kinds: {
    import: "carried over",
    grant: "bonus",
    hold: "reserve",
    capture: "charge",
    release: "release",
    adjust: "correction",
    purchase: "purchase",
    refund: "refund",
  },
  states: {
    queued: "queued",
    submitted: "submitted",
    running: "running",
    delivering: "delivering",
    done: "done",
    failed: "failed",
    cancelled: "cancelled",
    refunded: "refunded",
  },
  stats: (p) =>
    `📊 Bot statistics\n\n` +
    `👥 Users: ${p.users} (new in 7 days: ${p.newUsers})\n` +
    `🎬 Videos: today ${p.today}, 7 days ${p.week}, all time ${p.all}\n` +
    `⏳ In progress now: ${p.active}\n` +
    `💰 Charged: ${tokens(p.spent)}` +
    (p.held > 0 ? ` (reserved: ${tokens(p.held)})` : "") +
    `\n❌ Failures: 7 days ${p.failedWeek}, all time ${p.failedAll}\n\n` +
    `⏱ Average processing time:\n${p.lines}\nOverall: ${p.overall}`,
  backendsTitle: `🖥 Render servers:`,
  backendLine: (p) =>
    `${p.up ? "🟢" : "🔴"} ${p.name} (${p.kind}): ${p.up ? "up" : "down"}
` +
    `   jobs now: ${p.active}/${p.concurrency}, ComfyUI queue: ${p.queue}
` +
    `   done: ${p.done}, failures: ${p.failures}, mean time: ${p.mean}` +
    (p.error ? `\n   last error: ${p.error}` : ""),
  backendWorkflow: (p) =>
    `   workflow "${p.workflow}": ` + ({
      all: `takes every configured input`,
      missing: `does not take ${p.missing}; videos render without them ` +
        `(it needs tagged nodes, see docs/migrating-from-python.md)`,
      unlisted: `the plugin cannot list its inputs (an older version); ` +
        `every configured input is sent`,
      unknown: `inputs not known yet${p.error ? ` (${p.error})` : ""}`,
      noImage: `has no "Load Image $image" node for the photo; jobs fail`,
    }[p.state] ?? "") +
    (p.off ? `\n   turned off in the settings: ${p.off}` : ""),
  backendsNone: `No render server is configured.`,
  money: adminMoneyEn,
  dashboardLink: (p) =>
    `📊 Dashboard: ${p.url}\n` +
    `The link works once and for 10 minutes; do not forward it.`,
  dashboardOff: `The dashboard is off: set HTTP_PORT (and DASHBOARD_URL ` +
    `for its address behind a proxy).`,
};

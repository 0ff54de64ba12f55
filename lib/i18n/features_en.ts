import type { featuresRu } from "./features_ru.ts";
import { pluralEn } from "./plural.ts";

/** English texts of issue 17's features: bans, groups, albums, sharing. */
export const featuresEn: typeof featuresRu = {
  aspectPhoto: `As the photo`,
  aspectLine: (p) => `📐 Aspect ratio: ${p.ratio}`,
  albumConfirm: (p) =>
    `📸 Album: ${p.count} photos — ${p.count} videos\n\n` +
    `⏱ Length: ${p.duration} s\n` +
    `🖼 Quality: ${p.quality} (${p.px} px)\n` +
    `💰 Price: ${p.total} ${pluralEn(p.total, "token", "tokens")}\n` +
    `💳 Balance after: ${p.after} ${pluralEn(p.after, "token", "tokens")}`,
  albumLine: (p) => `📸 Album: ${p.count} photos — ${p.count} videos`,
  albumGo: (p) => `✅ Create ${p.count} videos`,
  albumStarted: (p) => `✅ Starting ${p.count} videos: they run in turn.`,
  albumCancelled: `Album cancelled; nothing was charged.`,
  banned: `⛔ Your access to this bot is blocked.`,
  banUsage: `Usage: /ban USER_ID [reason]\nExample: /ban 423721043 spam`,
  unbanUsage: `Usage: /unban USER_ID\nExample: /unban 423721043`,
  banAdmin: `An admin cannot be banned.`,
  bannedDone: (p) => `⛔ User ${p.id} is banned. Reason: ${p.reason}`,
  unbanned: (p) => `✅ User ${p.id} is unbanned.`,
  notBanned: (p) => `User ${p.id} is not banned.`,
  banLine: (p) => `⛔ Banned ${p.at} (admin ${p.by}). Reason: ${p.reason}`,
  inlineEmptyButton: `🎬 No videos yet: make the first one`,
  inlineTitle: (p) => `🎬 Video ${p.duration} s · ${p.quality}`,
  groupStart: (p) => `🎬 To make a video, open the bot and top up: ${p.link}`,
  groupStarted: `🎬 Making the video, it will be posted here.`,
  groupUsage: `Reply with /animate to a message with a photo.`,
  groupOff: `🔕 /animate is off in this group.`,
  groupOn: `🔔 /animate is on again in this group.`,
  groupNotAdmin: `Only a group admin can switch /animate on or off.`,
};

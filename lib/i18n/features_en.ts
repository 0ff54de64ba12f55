import type { featuresRu } from "./features_ru.ts";

/** English texts of issue 17's features: bans, groups, albums, sharing. */
export const featuresEn: typeof featuresRu = {
  aspectPhoto: `As the photo`,
  aspectLine: (p) => `📐 Aspect ratio: ${p.ratio}`,
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

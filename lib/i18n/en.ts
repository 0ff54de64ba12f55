import { pluralEn } from "./plural.ts";
import type { Messages } from "./ru.ts";

const tokens = (n: number) => `${n} ${pluralEn(n, "token", "tokens")}`;
const videos = (n: number) => `${n} ${pluralEn(n, "video", "videos")}`;
const seconds = (n: number) => `${n} ${pluralEn(n, "second", "seconds")}`;

const QUALITY: Record<string, string> = {
  low: "low",
  medium: "medium",
  high: "high",
};

/** English texts. */
export const en: Messages = {
  buttons: {
    create: "🎬 Create video",
    quick: "⚡ Quick mode",
    balance: "💰 Balance",
    stats: "📊 Statistics",
    help: "❓ Help",
    menu: "🏠 Main menu",
    createMore: "🎬 Create another",
    back: "« Back",
    cancel: "✖ Cancel",
  },
  tokens,
  quality: (q: string) => QUALITY[q] ?? q,
  welcomeNew: (p) =>
    `👋 Hi, ${p.name}!\n\n` +
    `I turn a photo into a short animated video.\n` +
    `🎁 You got a welcome bonus of ${tokens(p.bonus)}.\n` +
    `That is enough for ${videos(p.videos)} of 10 seconds: just send a photo.`,
  menu: (p) =>
    `🎬 Main menu\n\n💰 Balance: ${tokens(p.balance)}\n\n` +
    `Send a photo and I will make a video of it (quick mode), ` +
    `or choose an action:`,
  askPhotoQuick:
    `⚡ Quick mode: 10 seconds, medium quality.\n\n📸 Send a photo.`,
  askPhotoCreate: `🎬 New video\n\n📸 Send the photo to animate.`,
  notEnough: (p) =>
    `😔 Not enough tokens.\n\n` +
    `Needed: ${tokens(p.needed)}, you have: ${tokens(p.balance)}.\n` +
    `To top up, write to the administrator${p.admin}.`,
  adminContact: (p) => `: ${p.link}`,
  queued: (p) =>
    `⏳ You are #${p.position} in the queue. Estimated wait: ${p.eta}.`,
  progress: (p) =>
    `${p.spinner} Creating your video...\n\n${p.bar} ${p.percent}%\n` +
    `⏱ About ${p.eta} left`,
  progressOverdue: (p) =>
    `${p.spinner} Creating your video...\n\n${p.bar} ${p.percent}%\n` +
    `⏱ Taking longer than usual, almost there.`,
  resumed:
    `🔄 The bot restarted: carrying on with your video, your tokens are safe.`,
  paused:
    `⏸ The bot is restarting. Your video is not lost: I will carry on when I am back.`,
  cancelled: (p) => `✖ Video cancelled. Tokens returned: ${tokens(p.cost)}.`,
  starting: `⏳ Got your photo, starting...`,
  uploading: `📤 The video is ready, sending...`,
  caption: (p) =>
    `✨ Your video is ready!\n⏱ ${seconds(p.duration)} · quality: ` +
    `${QUALITY[p.quality] ?? p.quality}\n\n🤖 Made with ${p.link}`,
  doneNote: (p) =>
    `✅ Done! Charged: ${tokens(p.cost)}. Balance: ${tokens(p.balance)}.`,
  failed: (p) =>
    `❌ Could not create the video.\n\n${p.reason}\n\n` +
    `No tokens were charged: you can try again.`,
  reasons: {
    unreachable: "The render server is not reachable right now.",
    http: "The render server refused the job.",
    timeout: "The render server did not finish the video in time.",
    job_failed: "The render failed on the server.",
    bad_output: "The render server returned a broken video.",
    no_result: "The render server returned no result.",
    lost: "The render server lost the job when it restarted.",
    photo: "Could not download the photo from Telegram.",
    too_small:
      "The photo is too small: it needs at least 64 pixels on its short side.",
    too_large: "The photo's resolution is too high (over 40 megapixels).",
    not_image: "The file is not an image we can read (JPEG, PNG or WebP).",
    send: "Telegram did not accept the finished video.",
    restarted: "The bot restarted while your video was being made.",
    internal: "An internal error in the bot.",
  },
  notImage:
    `🤔 That does not look like a photo. Send a JPEG, PNG or WebP image.`,
  tooBig: (p) => `📦 The file is too big. Send a photo under ${p.limit} MB.`,
  balance: (p) =>
    `💰 Your balance: ${tokens(p.balance)}` +
    (p.held > 0
      ? `\n⏳ Reserved for videos in progress: ${tokens(p.held)}`
      : "") +
    `\n\nThat is enough for:\n${p.options}`,
  balanceLine: (p) =>
    `• ${videos(p.count)} of ${p.duration} s (${tokens(p.cost)} each)`,
  help: (p) =>
    `❓ How it works\n\n` +
    `1. Send a photo and get a 10 second video (quick mode).\n` +
    `2. Or tap "🎬 Create video" to choose the duration and quality.\n` +
    `3. Wait a couple of minutes: the message shows the progress.\n\n` +
    `💰 Prices:\n${p.prices}\nQuality does not change the price.\n\n` +
    `If anything goes wrong, your tokens come back automatically.` +
    (p.admin ? `\n\n📬 Contact the administrator: ${p.admin}` : ""),
  priceLine: (p) => `• ${p.duration} s: ${tokens(p.cost)}`,
  statsScreen: (p) =>
    `📊 Statistics\n\nYou have created: ${videos(p.videos)}\n\n` +
    `Average processing time:\n${p.lines}\nOverall: ${p.overall}`,
  statsLine: (p) =>
    `• ${p.duration} s, ${QUALITY[p.quality] ?? p.quality}: ${p.time} (${
      videos(p.count)
    })`,
  statsEmpty: "• no data yet",
  statsNone: "no data",
  unknown: `I understand photos and buttons. Send /start to open the menu.`,
  stale: "This button has expired.",
  busy: (p) =>
    `⏳ You already have ${videos(p.limit)} in progress. ` +
    `Wait for them, then send the photo again.`,
  sorry: `😔 Something went wrong. Please try again a little later.`,
  durationUnit: (n) => `${n} s`,
  minutes: (p) => p.m > 0 ? `${p.m} min ${p.s} s` : `${p.s} s`,
};

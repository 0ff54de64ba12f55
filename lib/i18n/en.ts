import { adminEn } from "./admin_en.ts";
import { featuresEn } from "./features_en.ts";
import { moneyEn } from "./money_en.ts";
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
const quality = (q: string) => QUALITY[q] ?? q;

/** English texts. */
export const en: Messages = {
  switchLanguage: { to: "ru", label: "🇷🇺 Русский" },
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
    confirm: "✅ Create video",
    prev: "◀",
    next: "▶",
    duration: (p) => `${p.duration} s · ${tokens(p.cost)}`,
    quality: (p) => `${QUALITY[p.quality] ?? p.quality} · ${p.px} px`,
  },
  tokens,
  quality,
  welcomeNew: (p) =>
    `👋 Hi, ${p.name}!\n\n` +
    `🎬 I turn a photo into a short animated video.\n` +
    (p.bonus > 0
      ? `🎁 You got a welcome bonus of ${tokens(p.bonus)}.\n` +
        `📸 That is enough for ${videos(p.videos)} of 10 seconds: ` +
        `just send a photo.`
      : `💰 To begin, ask the administrator to top up your balance.\n` +
        `📸 Then just send a photo.`),
  menu: (p) =>
    `🎬 Main menu\n\n💰 Balance: ${tokens(p.balance)}\n\n` +
    `Send a photo and I will make a video of it (quick mode), ` +
    `or choose an action:`,
  askPhotoQuick:
    `⚡ Quick mode: 10 seconds, medium quality.\n\n📸 Send a photo.`,
  askPhotoCreate: `🎬 New video\n\n📸 Send the photo to animate.`,
  wizard: {
    photo: `🎬 New video · step 1 of 5\n\n📸 Send the photo to animate.`,
    duration: (p) =>
      `🎬 New video · step 3 of 5\n\n` +
      `⏱ Choose the length of the video.\n💰 Your balance: ${
        tokens(p.balance)
      }`,
    quality: (p) =>
      `🎬 New video · step 4 of 5\n\n` +
      `⏱ Length: ${seconds(p.duration)}\n\n` +
      `🖼 Choose the quality. Higher quality takes longer; ` +
      `the price stays the same.`,
    confirm: (p) =>
      `🎬 New video · step 5 of 5\n\nCheck the settings:\n\n` +
      `⏱ Length: ${seconds(p.duration)}\n` +
      `🖼 Quality: ${quality(p.quality)} (${p.px} px)\n` +
      `💰 Price: ${tokens(p.cost)}\n` +
      (p.balance >= p.cost
        ? `💳 Balance after: ${tokens(p.balance - p.cost)}\n`
        : `💳 You have ${tokens(p.balance)}: ${
          tokens(p.cost - p.balance)
        } short\n`) +
      `⏳ Estimated processing time: ${p.eta}`,
    started: (p) =>
      `✅ Starting: ${seconds(p.duration)}, ${quality(p.quality)} quality, ` +
      `${tokens(p.cost)}.\n\nThe progress is in the next message.`,
    photoReplaced: `🔄 Photo replaced, settings kept.`,
    useButtons: `👆 Choose with the buttons below.`,
    waitingPhoto: `📸 Waiting for the photo: send it as a photo or as a ` +
      `file (JPEG, PNG, WebP).`,
  },
  notEnough: (p) =>
    `😔 Not enough tokens.\n\n` +
    `Needed: ${tokens(p.needed)}, you have: ${tokens(p.balance)}.\n` +
    (p.packs
      ? `To top up, pick a token pack with the buttons below.`
      : `To top up, write to the administrator${p.admin}.`),
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
  refused: (p) =>
    `🚫 I cannot make a video of this file.\n\n${p.reason}\n\nNo tokens were charged.`,
  previewTag: "🧪 Preview (not AI)",
  previewNote:
    "🧪 This is a preview, not AI: a simple animation of the photo with no neural network. Real videos come once the admin connects a ComfyUI server.",
  starting: `⏳ Got your photo, starting...`,
  caption: (p) =>
    `✨ Your video is ready!\n⏱ ${seconds(p.duration)} · quality: ` +
    `${quality(p.quality)}\n\n🤖 Made with ${p.link}`,
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
    photo: "Could not download the photo from Telegram.",
    too_small:
      "The photo is too small: it needs at least 64 pixels on its short side.",
    too_large: "The photo's resolution is too high (over 40 megapixels).",
    too_big:
      "The finished video is over 50 MB, more than Telegram lets a bot send. The admin has been told.",
    lost: "The render server lost the job when it restarted.",
    not_image: "The file is not an image we can read (JPEG, PNG or WebP).",
    send: "Telegram did not accept the finished video.",
    restarted: "The bot restarted while your video was being made.",
    internal: "An internal error in the bot.",
  },
  jobCancel: {
    cancelled: "✖ Video cancelled, tokens returned.",
    not_found: "This video can no longer be found.",
    too_late: "Too late to cancel: the video is ready or being sent.",
  },
  groupHint: (p) => `🎬 I turn photos into videos in a private chat: ${p.link}`,
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
    `1. Send a photo and get a 10 second video in medium quality ` +
    `(quick mode).\n` +
    `2. Or tap "🎬 Create video" to choose the length (5, 10 or 15 ` +
    `seconds) and the quality (300, 600 or 832 px).\n` +
    `3. Wait a couple of minutes: the message shows the progress.\n\n` +
    `💰 Prices:\n${p.prices}\nQuality does not change the price.\n\n` +
    `If anything goes wrong, your tokens come back automatically.` +
    (p.admin ? `\n\n📬 To top up or ask a question: ${p.admin}` : ""),
  priceLine: (p) => `• ${p.duration} s: ${tokens(p.cost)}`,
  statsScreen: (p) =>
    `📊 Statistics\n\nYou have created: ${videos(p.videos)}\n\n` +
    `Average processing time:\n${p.lines}\nOverall: ${p.overall}`,
  statsLine: (p) =>
    `• ${p.duration} s, ${quality(p.quality)}: ${p.time} (${videos(p.count)})`,
  statsEmpty: "• no data yet",
  statsNone: "no data",
  languageSet: "Language: English",
  unknown: `I understand photos and buttons. Send /start to open the menu.`,
  stale: "This button has expired.",
  cooldown: (p) =>
    `⏸ The last file could not be used. I will look at the next photo in ${p.seconds} s.`,
  busy: (p) =>
    `⏳ You already have ${videos(p.limit)} in progress. ` +
    `Wait for ${p.limit === 1 ? "it" : "them"}, then send the photo again.`,
  sorry: `😔 Something went wrong. Please try again a little later.`,
  durationUnit: (n) => `${n} s`,
  minutes: (p) => p.m > 0 ? `${p.m} min ${p.s} s` : `${p.s} s`,
  date: (p) => `${p.y}-${p.m}-${p.d}`,
  commands: {
    start: "Main menu",
    addtokens: "Add tokens: USER_ID AMOUNT",
    users: "Users",
    user: "One user: USER_ID",
    stats: "Bot statistics",
    backends: "Render servers",
    refund: "Refund Stars: CHARGE_ID",
    broadcast: "Send to all (reply to a message)",
    grant_all: "Grant everyone: AMOUNT",
    paysupport: "Payment support",
    terms: "Terms",
    dashboard: "Dashboard in the browser (link for 10 minutes)",
    ban: "Ban: USER_ID [reason]",
    unban: "Unban: USER_ID",
  },
  admin: adminEn,
  features: featuresEn,
  money: moneyEn,
  motion: {
    presetLanguage: "en",
    step: `🎬 Create video · step 2 of 5\n\n` +
      `🎭 How should the video move?\n\n` +
      `Pick a style, describe it in one message (for example: "she ` +
      `smiles and waves", "the camera orbits around") or keep ` +
      `"Automatic".`,
    auto: "🤖 Automatic",
    line: (p) => `🎭 Motion: ${p.prompt ?? "automatic"}`,
    caption: (p) => `🎭 ${p.prompt}`,
    typeHint: `✍️ Describe the motion in words or pick a style.`,
    ignored: `ℹ️ The render server does not take motion descriptions ` +
      `right now: the video moves the way its own settings say.`,
  },
  myVideos: {
    button: "🎞 My videos",
    title: (p) =>
      `🎞 My videos (last ${p.count})\n\n` +
      `Tap a number to get a video again, free and instantly.`,
    empty: `🎞 My videos\n\nYour finished videos will appear here. ` +
      `Send a photo to make the first one.`,
    line: (p) =>
      `${p.n}. ${p.date} · ${p.duration} s · ${quality(p.quality)}` +
      ` · ${p.prompt ?? "automatic"}`,
    get: (p) => `🎞 ${p.n}`,
    resent: "Sending the video again.",
    gone: "This video is no longer available.",
    repeat: "🔁 Repeat",
    repeated: "🔁 Starting again with the same settings.",
  },
  free: {
    balanceLeft: (p) => `🎁 Free 5 s videos today: ${p.left} of ${p.perDay}`,
    balanceNext: (p) => `🎁 Next free video in ${p.wait}`,
    confirm: `🎁 This video is free: your video of the day.`,
    done: (p) =>
      `✅ Done! That was your free video of the day. Balance: ${
        tokens(p.balance)
      }.`,
    hours: (p) => p.h > 0 ? `${p.h} h ${p.m} min` : `${p.m} min`,
  },
  alerts: {
    header: "⚠️ lora-bot",
    serverDown: (p) => `🔴 Server ${p.server} is down: ${p.error}`,
    serverUp: (p) => `🟢 Server ${p.server} is back`,
    failures: (p) =>
      `❌ ${p.count} ${pluralEn(p.count, "job", "jobs")} in a row failed ` +
      `(last: ${p.reason})`,
    disk: (p) =>
      `💾 The disk under ${p.dir} is ${p.percent}% full (${p.free} free)`,
    summary: (p) =>
      `📋 Last 24 hours\n` +
      `🎬 Videos: ${p.videos}\n` +
      `👤 Users: ${p.users} (new: ${p.newUsers})\n` +
      `💰 Spent: ${tokens(p.spent)}\n` +
      `❌ Failures: ${p.failures}\n` +
      `⏱ Mean render time: ${p.mean}`,
    more: (p) => `…and ${p.count} more like it`,
  },
};

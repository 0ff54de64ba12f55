import { type Api, InputFile } from "grammy";
import { pathToFileURL } from "node:url";
import { afterVideo } from "../keyboards.ts";
import { type Locale, messages } from "../../i18n/mod.ts";
import { type Job, JobError, type SentVideo } from "../../jobs/mod.ts";
import type { VideoFile } from "../../comfy/mod.ts";
import type { Clock } from "../../clock.ts";
import type { VideoShape } from "../../media/mod.ts";

/**
 * The caption of a job's video: the bot's link, the settings, and the
 * motion prompt when the user gave one.
 */
export function videoCaption(
  job: Job,
  options: { botUsername: string; preview: boolean },
): string {
  const t = messages(job.locale as Locale);
  const caption = t.caption({
    duration: job.duration,
    quality: job.quality,
    link: `https://t.me/${options.botUsername}`,
  });
  // Telegram's caption limit is 1024; a prompt is at most 500 characters.
  const withPrompt = job.prompt === undefined ? caption : caption.replace(
    "\n\n",
    `\n${t.motion.caption({ prompt: job.prompt })}\n\n`,
  );
  // A preview says so first: it is not the AI video the user pays for.
  return options.preview ? `${t.previewNote}\n\n${withPrompt}` : withPrompt;
}

/**
 * Sends the finished video with its caption (the bot's link) and the
 * "create another" buttons; returns its message and Telegram's file_id.
 */
export async function sendVideo(
  api: Api,
  job: Job,
  video: VideoFile,
  options: {
    botUsername: string;
    preview: boolean;
    clock: Clock;
    shape?: VideoShape;
  },
): Promise<SentVideo> {
  const t = messages(job.locale as Locale);
  // A group's /animate: the video answers the photo there, without the
  // private chat's buttons.
  const chatId = job.videoChatId ?? job.chatId;
  try {
    const sending = api.sendVideo(
      chatId,
      // Streamed from the spool; a URL (not a stream) because grammY reads
      // it afresh for each attempt, so a retried upload works too.
      new InputFile(pathToFileURL(video.path), `video.${video.format}`),
      {
        caption: videoCaption(job, options),
        supports_streaming: true,
        ...shapeFields(job, options.shape ?? {}),
        ...(job.videoChatId === undefined
          ? { reply_markup: afterVideo(t, job.id) }
          : {}),
        ...(job.replyTo === undefined ? {} : {
          reply_parameters: {
            message_id: job.replyTo,
            allow_sending_without_reply: true,
          },
        }),
      },
    );
    const message = await whileUploading(api, chatId, options.clock, sending);
    return {
      messageId: message.message_id,
      videoFileId: message.video?.file_id,
    };
  } catch (error) {
    throw new JobError("send", "Telegram refused the video", { cause: error });
  }
}

// The true shape: without it a large video shows as a square tile (and a
// grey box without a thumbnail) until Telegram has processed it.
function shapeFields(job: Job, shape: VideoShape) {
  return {
    duration: shape.duration ?? job.duration,
    ...(shape.width && shape.height
      ? { width: shape.width, height: shape.height }
      : {}),
    ...(shape.thumbnail
      ? { thumbnail: new InputFile(shape.thumbnail, "thumbnail.jpg") }
      : {}),
  };
}

// Telegram shows a chat action for 5 s or until the bot's next message.
const ACTION_REPEAT_MS = 4500;
// An upload that ends sooner shows no action: sent after the video, it
// would say "sending video" for 5 s about a video already there.
const ACTION_DELAY_MS = 400;
// 90 minutes of repeats: far beyond any upload the Bot API accepts.
const ACTION_REPEATS = 1200;

/**
 * Shows "sending video…" in the chat while `upload` runs: first after a
 * short delay, then every few seconds, never after the upload ended. The
 * video itself goes first: it does not wait for the action.
 */
export async function whileUploading<T>(
  api: Api,
  chatId: number,
  clock: Clock,
  upload: Promise<T>,
): Promise<T> {
  const ended = new AbortController();
  const signal = ended.signal;
  // grammY types its signals with a polyfill's type; the runtime's is fine.
  const apiSignal = signal as Parameters<Api["sendChatAction"]>[3];
  (async () => {
    let wait = ACTION_DELAY_MS;
    for (let i = 0; i < ACTION_REPEATS; i++) {
      await clock.sleep(wait, signal);
      // A best effort: a refused action must not fail the delivery.
      await api.sendChatAction(chatId, "upload_video", undefined, apiSignal)
        .catch(() => {});
      wait = ACTION_REPEAT_MS;
    }
  })().catch(() => {}); // the sleep rejects once the upload ended
  try {
    return await upload;
  } finally {
    ended.abort();
  }
}

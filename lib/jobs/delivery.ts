import { type Api, InputFile } from "grammy";
import { pathToFileURL } from "node:url";
import { afterVideo } from "../bot/keyboards.ts";
import { type Locale, messages } from "../i18n/mod.ts";
import { JobError } from "./errors.ts";
import type { Job } from "./store.ts";
import type { VideoFile } from "../comfy/spool.ts";

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
 * "create another" buttons; returns Telegram's file_id of the video.
 */
export async function sendVideo(
  api: Api,
  job: Job,
  video: VideoFile,
  options: { botUsername: string; preview: boolean },
): Promise<string | undefined> {
  const t = messages(job.locale as Locale);
  await api.sendChatAction(job.chatId, "upload_video").catch(() => {});
  try {
    const message = await api.sendVideo(
      job.chatId,
      // Streamed from the spool; a URL (not a stream) because grammY reads
      // it afresh for each attempt, so a retried upload works too.
      new InputFile(pathToFileURL(video.path), `video.${video.format}`),
      {
        caption: videoCaption(job, options),
        supports_streaming: true,
        duration: job.duration,
        reply_markup: afterVideo(t, job.id),
      },
    );
    return message.video?.file_id;
  } catch (error) {
    throw new JobError("send", "Telegram refused the video", { cause: error });
  }
}

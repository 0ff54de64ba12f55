/**
 * Media the bot handles as bytes and files: recognising images and videos
 * by their first bytes (detect.ts), running ffmpeg (ffmpeg.ts), a video's
 * true shape (video_shape.ts, mp4_header.ts) and aspect ratios. Below
 * comfy/ and jobs/, importing nothing of ours.
 *
 * @module
 */

export * from "./detect.ts";
export * from "./aspect.ts";
export {
  type ProbeOptions,
  probeVideo,
  type VideoShape,
} from "./video_shape.ts";
export { ffmpegAvailable, type RunProgram, runProgram } from "./ffmpeg.ts";

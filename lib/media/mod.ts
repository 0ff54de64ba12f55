/**
 * Media the bot handles as bytes and files: recognising images and videos
 * by their first bytes (detect.ts) and running ffmpeg (ffmpeg.ts). Below
 * comfy/ and jobs/, importing nothing of ours.
 *
 * @module
 */

export * from "./detect.ts";
export { ffmpegAvailable, type RunProgram, runProgram } from "./ffmpeg.ts";

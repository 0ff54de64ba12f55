/**
 * Media of the fake Telegram's sendPhoto/sendVideo/... and editMessageMedia
 * methods: resolving a file_id, URL or multipart upload and describing it
 * like Telegram does.
 *
 * @module
 */

import type { Message } from "grammy/types";
import { type FakeStore, imageSize, type StoredFile } from "./state.ts";
import { badRequest, intParam, TelegramApiError, type Upload } from "./wire.ts";

/** Telegram refuses multipart uploads above 50 MB with 413. */
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

/** How one media kind is stored and described. */
export interface MediaSpec {
  /** Folder of its file_path, as Telegram names them. */
  folder: string;
  /** Default file extension. */
  ext: string;
  /** `mime_type` reported for it. */
  mime: string;
  /** Name in `there is no <label> in the request`. */
  label: string;
}

/** Media kinds the bot can send, by message field. */
export const MEDIA: Record<string, MediaSpec> = {
  photo: { folder: "photos", ext: "jpg", mime: "image/jpeg", label: "photo" },
  video: { folder: "videos", ext: "mp4", mime: "video/mp4", label: "video" },
  animation: {
    folder: "animations",
    ext: "mp4",
    mime: "video/mp4",
    label: "animation",
  },
  document: {
    folder: "documents",
    ext: "dat",
    mime: "application/octet-stream",
    label: "document",
  },
  audio: { folder: "music", ext: "mp3", mime: "audio/mpeg", label: "audio" },
  voice: { folder: "voice", ext: "oga", mime: "audio/ogg", label: "voice" },
};

/** Message fields that hold media. */
export const MEDIA_FIELDS = [...Object.keys(MEDIA), "sticker", "video_note"];

const MIME_BY_EXTENSION: Record<string, string> = {
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  gif: "image/gif",
  webp: "image/webp",
  mp4: "video/mp4",
  mov: "video/quicktime",
  webm: "video/webm",
  mp3: "audio/mpeg",
  ogg: "audio/ogg",
  oga: "audio/ogg",
  pdf: "application/pdf",
  zip: "application/zip",
  json: "application/json",
  txt: "text/plain",
  safetensors: "application/octet-stream",
};

function extensionOf(name: string | undefined): string | undefined {
  const match = /\.([a-z0-9]{1,12})$/i.exec(name ?? "");
  return match?.[1]?.toLowerCase();
}

/**
 * Resolves the file of a sendPhoto/sendVideo/... or editMessageMedia request (file_id, URL or
 * `attach://` upload) and builds the message's media fields.
 */
export function mediaFields(
  store: FakeStore,
  uploads: Upload[],
  type: string,
  source: Record<string, unknown>,
  key: string,
): Partial<Message> {
  const spec = MEDIA[type];
  if (spec === undefined) throw badRequest(`unsupported media type ${type}`);
  const value = source[key];
  let existing: StoredFile | undefined;
  let name: string | undefined;
  let size = 0;
  let bytes: Uint8Array | undefined;
  if (
    typeof value === "string" && value !== "" && !value.startsWith("attach://")
  ) {
    if (!/^https?:\/\//i.test(value)) {
      existing = store.files.get(value);
      if (existing === undefined) {
        throw badRequest("wrong file identifier/HTTP URL specified");
      }
      if (existing.media !== undefined) {
        if (existing.media[type] === undefined) {
          throw badRequest("type of file mismatch");
        }
        return structuredClone(existing.media) as Partial<Message>;
      }
      size = existing.size;
      bytes = existing.bytes;
    }
  } else {
    const part = typeof value === "string" ? value.slice(9) : key;
    const upload = uploads.find((u) => u.part === part);
    if (upload === undefined) {
      throw badRequest(`there is no ${spec.label} in the request`);
    }
    if (upload.record.size > MAX_UPLOAD_BYTES) {
      throw new TelegramApiError(413, "Request Entity Too Large");
    }
    ({ size, bytes } = upload.record);
    name = upload.record.filename;
  }
  if (type === "photo") {
    return { photo: store.photoSizes(bytes, size, {}, existing) };
  }
  const ext = extensionOf(name) ?? spec.ext;
  const file = existing ?? store.registerFile(spec.folder, ext, size, bytes);
  const base: Record<string, unknown> = {
    "file_id": file.fileId,
    "file_unique_id": file.uniqueId,
    "file_size": file.size,
  };
  const mime = type === "document"
    ? MIME_BY_EXTENSION[ext] ?? spec.mime
    : spec.mime;
  const described: Record<string, unknown> = { ...base };
  if (type === "video" || type === "animation") {
    described.width = intParam(source, "width") ?? 0;
    described.height = intParam(source, "height") ?? 0;
  }
  if (type === "video" || type === "animation") {
    const thumbnail = thumbnailUpload(uploads, source);
    if (thumbnail !== undefined) {
      described.thumbnail = thumbnailSize(store, thumbnail);
    }
  }
  if (type !== "document") {
    described.duration = intParam(source, "duration") ?? 0;
  }
  if (name !== undefined && type !== "voice") described["file_name"] = name;
  described["mime_type"] = mime;
  const media: Record<string, unknown> = { [type]: described };
  if (type === "animation") {
    // Telegram also sets `document` for animations (backward compatibility).
    media.document = {
      ...base,
      "file_name": name ?? "animation.mp4",
      "mime_type": mime,
    };
  }
  file.media = media;
  return structuredClone(media) as Partial<Message>;
}

// telegram-bot-api (Client::get_input_thumbnail, commit 01a3679c0bbf9bbba03d1d3e20f621fa4becddcc)
// takes a thumbnail only as an upload: `attach://<part>` or a part named
// "thumbnail" (legacy "thumb"); a file_id or URL there is ignored.
function thumbnailUpload(
  uploads: Upload[],
  source: Record<string, unknown>,
): Upload | undefined {
  for (const field of ["thumbnail", "thumb"]) {
    const value = source[field];
    const part = typeof value === "string" && value.startsWith("attach://")
      ? value.slice(9)
      : field;
    const upload = uploads.find((u) => u.part === part);
    if (upload !== undefined) return upload;
  }
  return undefined;
}

function thumbnailSize(store: FakeStore, upload: Upload) {
  const { bytes, size } = upload.record;
  const file = store.registerFile("thumbnails", "jpg", size, bytes);
  const sniffed = bytes ? imageSize(bytes) : undefined;
  return {
    "file_id": file.fileId,
    "file_unique_id": file.uniqueId,
    "file_size": size,
    width: sniffed?.width ?? 0,
    height: sniffed?.height ?? 0,
  };
}

/** Whether a message carries media (and so a caption). */
export function hasMedia(message: Message): boolean {
  return MEDIA_FIELDS.some((field) => field in message);
}

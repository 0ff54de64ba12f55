/**
 * `POST /upload/image` of the fake (server.py image_upload): multipart
 * `image` file, `overwrite`, `subfolder`, `type`; a clashing name becomes
 * `name (1).ext` unless overwrite is on or the bytes are the same.
 *
 * @module
 */

import { plainError } from "./core.ts";
import type { FileStore, FileType } from "./history.ts";
import type { UploadRecord } from "./prompt.ts";

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** Saves the upload; a Response is the error answer. */
export async function upload(
  req: Request,
  files: FileStore,
): Promise<
  | Response
  | { record: UploadRecord; answer: Record<string, string> }
> {
  let form: FormData;
  try {
    form = await req.formData();
  } catch {
    return plainError(400);
  }
  const file = form.get("image");
  if (!(file instanceof File) || file.name === "") return plainError(400);
  const rawType = String(form.get("type") ?? "input") || "input";
  if (rawType !== "input" && rawType !== "temp" && rawType !== "output") {
    return plainError(400);
  }
  const type: FileType = rawType;
  const subfolder = String(form.get("subfolder") ?? "");
  if (subfolder.startsWith("/") || subfolder.includes("..")) {
    return plainError(400);
  }
  const overwrite = ["true", "1"].includes(String(form.get("overwrite")));
  const bytes = new Uint8Array(await file.arrayBuffer());
  const dot = file.name.lastIndexOf(".");
  const stem = dot > 0 ? file.name.slice(0, dot) : file.name;
  const ext = dot > 0 ? file.name.slice(dot) : "";
  let name = file.name;
  for (let i = 1; !overwrite; i++) {
    const existing = files.get({ filename: name, subfolder, type });
    if (existing === undefined || sameBytes(existing, bytes)) break;
    name = `${stem} (${i})${ext}`;
  }
  files.put({ filename: name, subfolder, type }, bytes);
  return {
    record: { requested: file.name, saved: name, overwrite, bytes },
    answer: { name, subfolder, type },
  };
}

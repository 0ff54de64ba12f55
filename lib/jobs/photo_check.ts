import { checkDimensions, imageDimensions } from "../media.ts";
import type { PhotoSource } from "../telegram/files.ts";
import { JobError } from "./errors.ts";

/**
 * The photo's bytes, refused (with a {@link JobError} naming why) unless
 * they are a JPEG, PNG or WebP of a size a workflow can use.
 */
export async function fetchCheckedPhoto(
  photos: PhotoSource,
  fileId: string,
  signal: AbortSignal,
): Promise<Uint8Array> {
  const image = await photos.download(fileId, signal).catch((error) => {
    if (signal.aborted) throw error;
    throw new JobError("photo", "Cannot download the photo", { cause: error });
  });
  const size = imageDimensions(image);
  if (size === undefined) {
    throw new JobError("not_image", "Not a readable JPEG, PNG or WebP image");
  }
  const problem = checkDimensions(size);
  if (problem !== undefined) {
    throw new JobError(problem, `Image ${size.width}x${size.height}`);
  }
  return image;
}

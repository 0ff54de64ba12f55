import {
  checkDimensions,
  detectImage,
  type Dimensions,
  imageDimensions,
} from "../media/mod.ts";
import type { DownloadOptions, PhotoSource } from "../telegram/mod.ts";
import { JobError } from "./errors.ts";
import { FifoLimiter } from "./semaphore.ts";

/**
 * The photo's bytes, refused (with a {@link JobError} naming why) unless
 * they are a JPEG, PNG or WebP of a size a workflow can use. The kind and,
 * where the header shows them, the dimensions are judged from the first
 * bytes, before the rest is downloaded.
 */
export async function fetchCheckedPhoto(
  photos: PhotoSource,
  fileId: string,
  signal: AbortSignal,
): Promise<Uint8Array> {
  const image = await photos.download(fileId, { signal, inspect: checkHead })
    .catch((error) => {
      if (signal.aborted || error instanceof JobError) throw error;
      throw new JobError("photo", "Cannot download the photo", {
        cause: error,
      });
    });
  checkSize(imageDimensions(image));
  return image;
}

// The head alone: not an image at all, or a header whose size is already
// wrong. A JPEG's size may sit past the head (big EXIF): judged at the end.
function checkHead(head: Uint8Array): void {
  if (detectImage(head) === undefined) checkSize(undefined);
  const size = imageDimensions(head);
  if (size !== undefined) checkSize(size);
}

function checkSize(size: Dimensions | undefined): void {
  if (size === undefined) {
    throw new JobError("not_image", "Not a readable JPEG, PNG or WebP image");
  }
  const problem = checkDimensions(size);
  if (problem !== undefined) {
    throw new JobError(problem, `Image ${size.width}x${size.height}`);
  }
}

/**
 * At most `max` photo downloads (and their checks) at once, first come
 * first served, across all users: each may hold up to 20 MB in memory.
 */
export function limitDownloads(photos: PhotoSource, max: number): PhotoSource {
  const limiter = new FifoLimiter(max);
  let next = 0;
  return {
    async download(fileId: string, options: DownloadOptions = {}) {
      const id = String(next++);
      await limiter.acquire(id, options.signal);
      try {
        return await photos.download(fileId, options);
      } finally {
        limiter.release(id);
      }
    },
  };
}

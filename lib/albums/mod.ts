/**
 * Photo albums: gathering the photos of one `media_group_id` into one
 * order ({@link AlbumCollector}).
 *
 * @module
 */

export {
  type Album,
  ALBUM_WINDOW_MS,
  AlbumCollector,
  type AlbumPhoto,
  MAX_ALBUM_PHOTOS,
} from "./collector.ts";

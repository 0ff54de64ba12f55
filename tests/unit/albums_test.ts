import assert from "node:assert/strict";
import {
  type Album,
  ALBUM_WINDOW_MS,
  AlbumCollector,
  MAX_ALBUM_PHOTOS,
} from "../../lib/albums/collector.ts";
import { ManualClock } from "../fakes/manual_clock.ts";

function collect(clock: ManualClock) {
  const albums: Album[] = [];
  let told: () => void = () => {};
  const collector = new AlbumCollector(clock, (album) => {
    albums.push(album);
    told();
    return Promise.resolve();
  });
  const next = () => new Promise<void>((resolve) => told = resolve);
  return { collector, albums, next };
}

const photo = (n: number) => ({
  fileId: `F${n}`,
  updateId: 100 + n,
  messageId: n,
});

Deno.test("AlbumCollector: an album is handed over once, when quiet, in message order", async () => {
  const clock = new ManualClock();
  const { collector, albums, next } = collect(clock);
  const key = { userId: 1, chatId: 1, groupId: "g" };
  collector.add(key, photo(2));
  clock.advanceTo(ALBUM_WINDOW_MS - 1);
  collector.add(key, photo(1));
  collector.add(key, photo(1)); // a re-delivered update counts once
  clock.advanceTo(2 * ALBUM_WINDOW_MS - 2);
  await Promise.resolve();
  assert.equal(albums.length, 0, "the window restarts with each photo");
  const done = next();
  clock.advanceTo(2 * ALBUM_WINDOW_MS);
  await done;
  assert.deepEqual(albums[0]?.photos.map((p) => p.fileId), ["F1", "F2"]);
  assert.equal(clock.sleeping, 0);
});

Deno.test("AlbumCollector: at most 10 photos; albums of different users stay apart", async () => {
  const clock = new ManualClock();
  const { collector, albums, next } = collect(clock);
  for (let i = 0; i < MAX_ALBUM_PHOTOS + 3; i++) {
    collector.add({ userId: 1, chatId: 1, groupId: "g" }, photo(i));
  }
  collector.add({ userId: 2, chatId: 2, groupId: "g" }, photo(50));
  let done = next();
  clock.advance();
  await done;
  if (albums.length < 2) {
    done = next();
    clock.advance();
    await done;
  }
  const sizes = albums.map((a) => [a.userId, a.photos.length]).sort();
  assert.deepEqual(sizes, [[1, MAX_ALBUM_PHOTOS], [2, 1]]);
});

Deno.test("AlbumCollector.close() drops albums not complete yet", async () => {
  const clock = new ManualClock();
  const { collector, albums } = collect(clock);
  collector.add({ userId: 1, chatId: 1, groupId: "g" }, photo(1));
  collector.close();
  clock.advanceTo(10 * ALBUM_WINDOW_MS);
  await Promise.resolve();
  assert.equal(albums.length, 0);
  assert.equal(clock.sleeping, 0);
});

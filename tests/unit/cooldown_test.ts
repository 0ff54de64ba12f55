import assert from "node:assert/strict";
import {
  COOLDOWN_BASE_MS,
  COOLDOWN_MAX_MS,
  RefusalCooldown,
  sendersFault,
} from "../../lib/jobs/cooldown.ts";
import { JobError } from "../../lib/jobs/errors.ts";
import { PhotoDownloadError } from "../../lib/telegram/files.ts";

Deno.test("RefusalCooldown doubles the wait with each refusal in a row, up to an hour", () => {
  let now = 1_000_000;
  const cooldown = new RefusalCooldown(() => now);
  assert.equal(cooldown.wait(7), undefined);
  cooldown.refused(7);
  assert.deepEqual(cooldown.wait(7), { seconds: 30, tell: true });
  assert.deepEqual(cooldown.wait(7), { seconds: 30, tell: false });
  now += COOLDOWN_BASE_MS;
  assert.equal(cooldown.wait(7), undefined, "over after 30 s");
  cooldown.refused(7);
  assert.equal(cooldown.wait(7)?.seconds, 60);
  for (let i = 0; i < 20; i++) cooldown.refused(7);
  assert.equal(cooldown.wait(7)?.seconds, COOLDOWN_MAX_MS / 1000);
  cooldown.accepted(7);
  assert.equal(cooldown.wait(7), undefined);
  cooldown.refused(7);
  assert.equal(cooldown.wait(7)?.seconds, 30, "a good photo starts over");
  assert.equal(cooldown.wait(8), undefined, "per user");
});

Deno.test("sendersFault() counts bad files, not Telegram's or our failures", () => {
  assert.ok(sendersFault(new JobError("not_image", "x")));
  assert.ok(sendersFault(new JobError("too_large", "x")));
  assert.ok(
    sendersFault(
      new JobError("photo", "x", {
        cause: new PhotoDownloadError("too_big", "y"),
      }),
    ),
  );
  assert.ok(
    !sendersFault(
      new JobError("photo", "x", {
        cause: new PhotoDownloadError("download", "HTTP 502"),
      }),
    ),
  );
  assert.ok(!sendersFault(new Error("x")));
});

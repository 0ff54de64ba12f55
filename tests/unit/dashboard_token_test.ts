import assert from "node:assert/strict";
import {
  DashboardAuth,
  LINK_TTL_MS,
  SESSION_COOKIE,
  SESSION_TTL_MS,
  sessionCookie,
} from "../../lib/dashboard/auth.ts";
import { loadDashboardKey } from "../../lib/dashboard/secret.ts";
import { sqliteUsedLinks } from "../../lib/dashboard/used_links.ts";
import { migrate, openDatabase } from "../../lib/db/mod.ts";
import { TokenError, TokenSigner } from "../../lib/dashboard/token.ts";

const TOKEN = "123456:ABCDEFGHIJKLMNOP";

function clockAt(start: number) {
  const clock = {
    t: start,
    now: () => clock.t,
    sleep: () => Promise.resolve(),
  };
  return clock;
}

async function withKey<T>(
  fn: (key: CryptoKey, dir: string) => Promise<T>,
): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "lora-dash-" });
  try {
    return await fn(await loadDashboardKey(dir, TOKEN), dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function request(token: string | undefined): Request {
  return new Request("http://x/dashboard", {
    headers: token ? { cookie: `a=b; ${SESSION_COOKIE}=${token}` } : {},
  });
}

Deno.test("TokenSigner round-trips a payload and refuses a changed one", async () => {
  await withKey(async (key) => {
    const signer = new TokenSigner(key);
    const payload = {
      kind: "link" as const,
      admin: 7,
      locale: "en",
      nonce: "n1",
      expires: 2000,
    };
    const token = await signer.sign(payload);
    assert.deepEqual(await signer.verify(token, "link", 1999), payload);
    await assert.rejects(
      () => signer.verify(token, "link", 2000),
      (e) => e instanceof TokenError && e.problem === "expired",
    );
    await assert.rejects(
      () => signer.verify(token, "session", 0),
      (e) => e instanceof TokenError && e.problem === "forged",
    );
    const [body, mac] = token.split(".");
    const forgedBody = btoa(JSON.stringify({ ...payload, admin: 8 }))
      .replace(/=+$/, "");
    await assert.rejects(
      () => signer.verify(`${forgedBody}.${mac}`, "link", 0),
      (e) => e instanceof TokenError && e.problem === "forged",
    );
    await assert.rejects(
      () => signer.verify(`${body}`, "link", 0),
      (e) => e instanceof TokenError && e.problem === "malformed",
    );
  });
});

Deno.test("loadDashboardKey keeps its random half; another token or data dir forges nothing", async () => {
  await withKey(async (key, dir) => {
    const token = await new TokenSigner(key).sign({
      kind: "link",
      admin: 1,
      locale: "ru",
      nonce: "x",
      expires: 10,
    });
    const again = await loadDashboardKey(dir, TOKEN);
    assert.equal(
      (await new TokenSigner(again).verify(token, "link", 0)).admin,
      1,
    );
    const info = await Deno.stat(`${dir}/dashboard.key`);
    assert.equal((info.mode ?? 0o600) & 0o077, 0);
    const otherToken = await loadDashboardKey(dir, "123456:ZZZZZZZZZZZZZZZZ");
    await assert.rejects(
      () => new TokenSigner(otherToken).verify(token, "link", 0),
      TokenError,
    );
    await withKey(async (otherDir) => {
      await assert.rejects(
        () => new TokenSigner(otherDir).verify(token, "link", 0),
        TokenError,
      );
    });
  });
});

Deno.test("DashboardAuth: a link opens once, within 10 minutes, for an admin only", async () => {
  await withKey(async (key) => {
    const clock = clockAt(1_000_000);
    const admins = new Set([5]);
    const auth = new DashboardAuth({
      key,
      clock,
      isAdmin: (id) => admins.has(id),
    });
    const link = await auth.link(5, "en");
    const session = await auth.open(link);
    assert.equal(session.admin, 5);
    assert.equal(session.locale, "en");
    assert.equal(session.expires, 1_000_000 + SESSION_TTL_MS);
    await assert.rejects(
      () => auth.open(link),
      (e) => e instanceof TokenError && e.problem === "reused",
    );
    const late = await auth.link(5, "ru");
    clock.t += LINK_TTL_MS;
    await assert.rejects(
      () => auth.open(late),
      (e) => e instanceof TokenError && e.problem === "expired",
    );
    // A link is not a session, and a session is not a link.
    assert.equal(
      await auth.session(request(await auth.link(5, "ru"))),
      undefined,
    );
    await assert.rejects(() => auth.open(session.token), TokenError);
    const fresh = await auth.open(await auth.link(5, "ru"));
    assert.equal((await auth.session(request(fresh.token)))?.csrf, fresh.csrf);
    assert.notEqual(fresh.csrf, session.csrf);
    assert.equal(await auth.session(request(undefined)), undefined);
    assert.equal(await auth.session(request("garbage")), undefined);
    admins.delete(5);
    assert.equal(await auth.session(request(fresh.token)), undefined);
  });
});

Deno.test("DashboardAuth: a session ends after 12 hours", async () => {
  await withKey(async (key) => {
    const clock = clockAt(0);
    const auth = new DashboardAuth({ key, clock, isAdmin: () => true });
    const session = await auth.open(await auth.link(1, "ru"));
    clock.t = SESSION_TTL_MS - 1;
    assert.ok(await auth.session(request(session.token)));
    clock.t = SESSION_TTL_MS;
    assert.equal(await auth.session(request(session.token)), undefined);
  });
});

Deno.test("sessionCookie is HttpOnly, SameSite=Strict, Secure only over https", () => {
  const session = {
    admin: 1,
    locale: "ru" as const,
    token: "t.s",
    csrf: "c",
    expires: 0,
  };
  const plain = sessionCookie(session, false);
  assert.match(
    plain,
    /^lora_dash=t\.s; Path=\/dashboard; Max-Age=43200; HttpOnly; SameSite=Strict$/,
  );
  assert.match(sessionCookie(session, true), /; Secure$/);
});

Deno.test("DashboardAuth: a used link stays used across a restart (SQLite)", async () => {
  await withKey(async (key, dir) => {
    const clock = clockAt(5_000_000);
    const path = `${dir}/balances.db`;
    const first = openDatabase(path);
    migrate(first);
    const before = new DashboardAuth({
      key,
      clock,
      isAdmin: () => true,
      usedLinks: sqliteUsedLinks(first),
    });
    const link = await before.link(7, "en");
    await before.open(link);
    first.close();
    // The bot restarts within the link's 10 minutes.
    const second = openDatabase(path);
    try {
      const after = new DashboardAuth({
        key,
        clock,
        isAdmin: () => true,
        usedLinks: sqliteUsedLinks(second),
      });
      await assert.rejects(
        () => after.open(link),
        (e) => e instanceof TokenError && e.problem === "reused",
      );
      // Expired links are forgotten, not kept for ever.
      clock.t += LINK_TTL_MS;
      await after.open(await after.link(7, "en"));
      const rows = second.prepare("SELECT COUNT(*) AS n FROM dashboard_links")
        .get();
      assert.equal(Number(rows?.n), 1);
    } finally {
      second.close();
    }
  });
});

/**
 * The admin dashboard over HTTP (no browser): `/dashboard` gives a
 * one-time link, the link gives a session cookie, and every page, the data
 * API and the forms need that cookie. The browser test
 * (tests/browser/dashboard_browser_test.ts) checks the drawn charts.
 */

import assert from "node:assert/strict";
import { seedDashboard } from "../browser/seed.ts";
import { SAMPLE_JPEG } from "../fixtures/media.ts";
import { type Harness, startHarness } from "./harness.ts";
import { lastBot, say } from "./helpers.ts";

const ADMIN = 1001;

async function withDashboard(): Promise<Harness & { base: string }> {
  const h = await startHarness({
    env: { ADMIN_USER_IDS: String(ADMIN), HTTP_PORT: "0" },
  });
  await h.telegram.waitForLongPoll();
  await seedDashboard(h.sql, Date.now());
  return Object.assign(h, { base: `http://127.0.0.1:${h.app.httpPort}` });
}

async function linkFor(h: Harness): Promise<string> {
  const admin = h.telegram.user(ADMIN, { first_name: "Boss" });
  await say(h, admin, "/dashboard");
  const text = String(lastBot(h, ADMIN).message.text);
  const url = /http:\/\/\S+/.exec(text)?.[0];
  assert.ok(url, text);
  return url;
}

async function get(url: string, cookie?: string): Promise<Response> {
  return await fetch(url, {
    redirect: "manual",
    headers: cookie ? { cookie } : {},
  });
}

async function open(link: string): Promise<string> {
  const response = await get(link);
  await response.body?.cancel();
  assert.equal(response.status, 303);
  const setCookie = String(response.headers.get("set-cookie"));
  assert.match(setCookie, /HttpOnly/);
  assert.match(setCookie, /SameSite=Strict/);
  assert.doesNotMatch(setCookie, /Secure/);
  return setCookie.split(";")[0] ?? "";
}

function field(page: string, name: string): string {
  const value = new RegExp(`name="${name}" value="([^"]+)"`).exec(page)?.[1];
  assert.ok(value, `no ${name} field`);
  return value;
}

async function post(
  url: string,
  cookie: string,
  form: Record<string, string>,
): Promise<Response> {
  const response = await fetch(url, {
    method: "POST",
    redirect: "manual",
    headers: { cookie },
    body: new URLSearchParams(form),
  });
  await response.body?.cancel();
  return response;
}

Deno.test("dashboard: a one-time link, 401 for everything else", async (t) => {
  await using h = await withDashboard();
  await t.step("a non-admin gets no link", async () => {
    const user = h.telegram.user(2001, { language_code: "en" });
    await say(h, user, "/dashboard");
    assert.doesNotMatch(String(lastBot(h, 2001).message.text), /dashboard/);
  });
  const link = await linkFor(h);
  assert.ok(link.startsWith(`${h.base}/dashboard/open?t=`));
  await t.step("no cookie, no dashboard, no data, no files", async () => {
    for (const path of ["", "/api/charts", "/static/uplot.js", "/users"]) {
      const response = await get(`${h.base}/dashboard${path}`);
      assert.equal(response.status, 401, path);
      assert.doesNotMatch(await response.text(), /5001|uPlot|Anna/);
    }
    const forged = await get(`${link.slice(0, -3)}abc`);
    await forged.body?.cancel();
    assert.equal(forged.status, 401);
  });
  await t.step("a HEAD does not use the link up", async () => {
    const head = await fetch(link, { method: "HEAD", redirect: "manual" });
    await head.body?.cancel();
    assert.equal(head.status, 405);
    assert.equal(head.headers.get("set-cookie"), null);
  });
  const cookie = await open(link);
  await t.step("the link works once", async () => {
    const again = await get(link);
    assert.equal(again.status, 401);
    assert.match(await again.text(), /\/dashboard/);
  });
  await t.step("the session opens the pages and the data", async () => {
    const page = await (await get(`${h.base}/dashboard`, cookie)).text();
    assert.match(page, /id="chart-videos"/);
    assert.match(page, /data-server="/);
    const data = await (await get(`${h.base}/dashboard/api/charts`, cookie))
      .json();
    assert.equal(data.days.length, 30);
    assert.ok(data.videos.length >= 3);
    assert.ok(data.renderTimes.some((r: { p90: number }) => r.p90 > 0));
    assert.ok(data.failures.length > 0);
    const js = await get(`${h.base}/dashboard/static/uplot.js`, cookie);
    assert.match(await js.text(), /uPlot/);
  });
  await t.step("static files are only the listed ones", async () => {
    for (const name of ["constructor", "__proto__", "toString", "nope.js"]) {
      const response = await get(`${h.base}/dashboard/static/${name}`, cookie);
      await response.body?.cancel();
      assert.equal(response.status, 404, name);
    }
  });
});

Deno.test("dashboard: search a user, grant once per form, take back to zero", async () => {
  await using h = await withDashboard();
  const cookie = await open(await linkFor(h));
  for (const query of ["anna", "@anna_k", "5001"]) {
    const page = await (await get(
      `${h.base}/dashboard/users?q=${encodeURIComponent(query)}`,
      cookie,
    )).text();
    assert.match(page, /\/dashboard\/users\/5001"/, query);
    assert.doesNotMatch(page, /\/dashboard\/users\/5002"/, query);
  }
  const url = `${h.base}/dashboard/users/5001`;
  const page = await (await get(url, cookie)).text();
  const form = { csrf: field(page, "csrf"), key: field(page, "key") };
  const before = (await h.app.ledger.account(5001))?.tokens ?? 0;
  const bad = await post(`${url}/grant`, cookie, {
    ...form,
    csrf: "x",
    amount: "5",
  });
  assert.equal(bad.status, 403);
  for (let i = 0; i < 2; i++) {
    const done = await post(`${url}/grant`, cookie, { ...form, amount: "25" });
    assert.equal(done.status, 303);
  }
  assert.equal((await h.app.ledger.account(5001))?.tokens, before + 25);
  const row = (await h.app.ledger.journal(5001, 1))[0];
  assert.equal(row?.kind, "adjust");
  assert.equal(row?.amount, 25);
  const next = await (await get(url, cookie)).text();
  assert.notEqual(field(next, "key"), form.key);
  await post(`${url}/refund`, cookie, {
    csrf: form.csrf,
    key: field(next, "key"),
    amount: "1000000",
  });
  assert.equal((await h.app.ledger.account(5001))?.tokens, 0);
});

Deno.test("dashboard: jobs by state and date, a job's page, servers in and out", async () => {
  await using h = await withDashboard();
  const cookie = await open(await linkFor(h));
  const failed = await (await get(
    `${h.base}/dashboard/jobs?state=failed`,
    cookie,
  )).text();
  const states = [...failed.matchAll(/data-state="(\w+)"/g)].map((m) => m[1]);
  assert.ok(states.length > 0);
  assert.ok(states.every((s) => s === "failed"));
  const today = new Date().toISOString().slice(0, 10);
  const recent = await (await get(
    `${h.base}/dashboard/jobs?from=${today}&to=${today}`,
    cookie,
  )).text();
  assert.match(recent, new RegExp(`<td>${today} `));
  const job = await (await get(`${h.base}/dashboard/jobs/job-0002`, cookie))
    .text();
  assert.match(job, /prompt-2/);
  assert.match(job, /gpu-/);
  assert.match(job, /id="timeline"/);
  const overview = await (await get(`${h.base}/dashboard`, cookie)).text();
  const server = /data-server="([^"]+)"/.exec(overview)?.[1] ?? "";
  const csrf = field(overview, "csrf");
  const out = await post(`${h.base}/dashboard/servers`, cookie, {
    csrf,
    name: server,
    on: "0",
  });
  assert.equal(out.status, 303);
  const after = await (await get(`${h.base}/dashboard`, cookie)).text();
  assert.match(after, /name="on" value="1"/);
  await post(`${h.base}/dashboard/servers`, cookie, {
    csrf,
    name: server,
    on: "1",
  });
  const back = await (await get(`${h.base}/dashboard`, cookie)).text();
  assert.match(back, /name="on" value="0"/);
});

Deno.test("dashboard: a real job's timeline has the time of every step", async () => {
  await using h = await withDashboard();
  const user = h.telegram.user(5901, { first_name: "Ti", language_code: "en" });
  h.telegram.sendPhoto(user, SAMPLE_JPEG);
  await h.telegram.waitForCall("sendVideo", {
    where: (c) => c.params.chat_id === user.id,
  });
  await h.app.runner.idle();
  const [job] = await h.sql.all("SELECT id FROM jobs WHERE user_id = ?", [
    user.id,
  ]);
  const id = String(job?.id);
  assert.match(id, /^telegram_5901_\d+$/);
  const cookie = await open(await linkFor(h));
  const page = await (await get(`${h.base}/dashboard/jobs/${id}`, cookie))
    .text();
  const timeline = /<ol id="timeline">([\s\S]*?)<\/ol>/.exec(page)?.[1] ?? "";
  const times = [...timeline.matchAll(/<time>([^<]*)<\/time>/g)].map((m) =>
    m[1]
  );
  assert.equal(times.length, 4, timeline);
  for (const time of times) {
    assert.match(time ?? "", /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
  }
  const events = (await h.app.jobs.events(id)).map((e) => e.state);
  assert.deepEqual(events, ["queued", "submitted", "delivering", "done"]);
});

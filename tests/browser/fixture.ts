/**
 * A running bot with an admin, an HTTP server and a month of seeded data,
 * for the browser test and the dashboard screenshot.
 */

import assert from "node:assert/strict";
import { type Harness, startHarness } from "../e2e/harness.ts";
import { lastBot, say } from "../e2e/helpers.ts";
import { seedDashboard } from "./seed.ts";

/** The admin of the fixture. */
export const ADMIN = 1001;

/** Starts the bot and seeds its database. */
export async function startDashboardBot(locale = "en"): Promise<Harness> {
  const h = await startHarness({
    env: { ADMIN_USER_IDS: String(ADMIN), HTTP_PORT: "0" },
  });
  await h.telegram.waitForLongPoll();
  await seedDashboard(h.sql, Date.now());
  const admin = h.telegram.user(ADMIN, {
    first_name: "Boss",
    language_code: locale,
  });
  await say(h, admin, "/start");
  return h;
}

/** Asks the bot for a dashboard link as the admin. */
export async function dashboardLink(h: Harness): Promise<string> {
  await say(h, h.telegram.user(ADMIN), "/dashboard");
  const text = String(lastBot(h, ADMIN).message.text);
  const url = /http:\/\/\S+/.exec(text)?.[0];
  assert.ok(url, text);
  return url;
}

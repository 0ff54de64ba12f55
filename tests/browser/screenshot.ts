/**
 * Takes docs/admin.md's screenshot of the dashboard filled with test data:
 *
 *   deno run --allow-net=127.0.0.1 --allow-read --allow-write --allow-env \
 *     --allow-run tests/browser/screenshot.ts docs/dashboard.png
 */

import { dashboardLink, startDashboardBot } from "./fixture.ts";
import { Browser } from "./webdriver.ts";

if (import.meta.main) {
  const out = Deno.args[0] ?? "docs/dashboard.png";
  await using h = await startDashboardBot("en");
  await using browser = await Browser.start(1280, 1560);
  await browser.go(await dashboardLink(h));
  await browser.waitFor("return document.body.dataset.charts === 'ready'");
  await Deno.writeFile(out, await browser.screenshot());
}

/**
 * The dashboard in headless Chromium (Debian's `chromium`, driven through
 * `chromedriver`): the one-time link opens it, the charts are drawn from
 * the test database, a user is found and granted tokens through the form,
 * and the used link gets the 401 page. Skipped with a reason when Chromium
 * is missing, except in CI.
 */

import assert from "node:assert/strict";
import { Browser, skipBrowserTests } from "./webdriver.ts";
import { dashboardLink, startDashboardBot } from "./fixture.ts";

// Non-transparent pixels of every chart canvas: a drawn chart has many.
const DRAWN_PIXELS = `
  return [...document.querySelectorAll(".chart")].map((box) => {
    let n = 0;
    for (const canvas of box.querySelectorAll("canvas")) {
      const d = canvas.getContext("2d")
        .getImageData(0, 0, canvas.width, canvas.height).data;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
    }
    return { id: box.id, drawn: box.dataset.drawn, pixels: n };
  });`;

Deno.test({
  name: "dashboard in Chromium: link, charts, search, grant, reused link",
  ignore: skipBrowserTests(),
  sanitizeResources: false,
  fn: async (t) => {
    await using h = await startDashboardBot("en");
    await using browser = await Browser.start(1280, 1000);
    const link = await dashboardLink(h);

    await t.step(
      "the link opens the overview and the charts are drawn",
      async () => {
        await browser.go(link);
        assert.match(await browser.url(), /\/dashboard$/);
        await browser.waitFor(
          "return document.body.dataset.charts === 'ready'",
        );
        const charts = await browser.run<
          { id: string; drawn: string; pixels: number }[]
        >(DRAWN_PIXELS);
        assert.deepEqual(charts.map((c) => c.id), [
          "chart-videos",
          "chart-render",
          "chart-queue",
          "chart-failures",
          "chart-tokens",
        ]);
        for (const chart of charts) {
          assert.ok(chart.pixels > 500, `${chart.id} is blank`);
          assert.doesNotMatch(chart.drawn, /^0x/, chart.id);
        }
        // Three settings stacked over 30 days; three token series.
        assert.equal(charts[0]?.drawn, "3x30");
        assert.equal(charts[4]?.drawn, "3x30");
        const legend = await browser.run<string>(
          "return document.querySelector('#chart-videos .u-legend').textContent",
        );
        assert.match(legend, /10s medium/);
        assert.match(
          await browser.run<string>("return document.body.textContent"),
          /GPU servers/,
        );
      },
    );

    await t.step(
      "search a user and grant tokens through the form",
      async () => {
        await browser.click("header a[href='/dashboard/users']");
        await browser.type("input[name=q]", "@vera");
        await browser.click("form button[type=submit]");
        await browser.waitFor("return location.search.includes('q=')");
        await browser.click("#users a[href='/dashboard/users/5003']");
        await browser.waitFor("return !!document.getElementById('balance')");
        const before = (await h.app.ledger.account(5003))?.tokens ?? 0;
        await browser.type("#form-grant input[name=amount]", "40");
        await browser.click("#form-grant button");
        await browser.waitFor("return location.search.includes('applied=40')");
        assert.equal((await h.app.ledger.account(5003))?.tokens, before + 40);
        assert.equal(
          await browser.run<string>(
            "return document.getElementById('balance').textContent",
          ),
          String(before + 40),
        );
        // Going back and sending the same form again moves nothing.
        await browser.run("history.back()");
        await browser.waitFor("return !location.search.includes('applied')");
        await browser.type("#form-grant input[name=amount]", "40");
        await browser.click("#form-grant button");
        await browser.waitFor("return location.search.includes('applied=')");
        assert.equal((await h.app.ledger.account(5003))?.tokens, before + 40);
      },
    );

    await t.step("the used link gets 401", async () => {
      await browser.go(link);
      assert.equal(await browser.run<string>("return document.title"), "401");
      assert.doesNotMatch(
        await browser.run<string>("return document.body.textContent"),
        /GPU|5003/,
      );
    });
  },
});

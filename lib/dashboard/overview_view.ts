/**
 * The overview page: five charts (drawn in the browser by `charts.js`)
 * and the GPU servers with a button to take one out of rotation.
 *
 * @module
 */

import { type Html, html } from "./html.ts";
import { BASE, notice, page } from "./layout.ts";
import type { DashTexts } from "./texts.ts";

/** A render server as the dashboard shows it. */
export interface ServerView {
  readonly name: string;
  readonly kind: string;
  readonly up: boolean;
  /** False while an admin has taken it out of rotation. */
  readonly enabled: boolean;
  readonly active: number;
  readonly concurrency: number;
  readonly queue: number | undefined;
  readonly meanSeconds: number | undefined;
  readonly lastError: string | undefined;
}

/** The overview page. */
export function overviewPage(
  t: DashTexts,
  options: {
    readonly servers: readonly ServerView[];
    readonly csrf: string;
    readonly message?: string | undefined;
  },
): Html {
  const chart = (id: string, title: string) =>
    html`
      <section class="card">
        <h2>${title}</h2>
        <div id="${id}" class="chart"></div>
      </section>
    `;
  const body = html`
    ${notice(options.message)}<div class="grid">
    ${chart("chart-videos", t.videosPerDay)}${chart(
      "chart-render",
      t.renderTimes,
    )}${chart("chart-queue", t.queue)}${chart(
      "chart-failures",
      t.failures,
    )}${chart("chart-tokens", t.tokens)}</div><p id="chart-error"
      class="muted"></p>
    <section class="card" id="servers"><h2>${t.servers}</h2>${serversTable(
      t,
      options.servers,
      options.csrf,
    )}</section>
  `;
  return page(t, {
    active: "overview",
    body,
    head: html`<link rel="stylesheet" href="${BASE}/static/uplot.css">`,
    scripts: ["/static/uplot.js", "/static/charts.js"],
  });
}

function serversTable(
  t: DashTexts,
  servers: readonly ServerView[],
  csrf: string,
): Html {
  if (servers.length === 0) return html`<p class="muted">${t.noServers}</p>`;
  const rows = servers.map((s) =>
    html`
      <tr data-server="${s.name}">
        <td>${s.name} <span class="muted">${s.kind}</span></td>
        <td class="state">${!s.enabled ? t.disabled : s.up ? t.up : t.down}</td>
        <td>${s.active}/${s.concurrency}${s.queue === undefined
          ? ""
          : ` · ${s.queue}`}</td>
        <td>${s.meanSeconds === undefined
          ? "—"
          : `${Math.round(s.meanSeconds)} s`}</td>
        <td>${s.lastError ?? "—"}</td>
        <td>
          <form method="post" action="${BASE}/servers" class="inline">
      <input type="hidden" name="csrf" value="${csrf}">
      <input type="hidden" name="name" value="${s.name}">
      <input type="hidden" name="on" value="${s.enabled ? "0" : "1"}">
      <button type="submit">${s.enabled ? t.disable : t.enable}</button></form>
        </td>
      </tr>
    `
  );
  return html`
    <table>
      <thead>
        <tr>
          <th>${t.server}</th>
          <th>${t.state}</th>
          <th>${t.queueLength}</th>
          <th>${t.meanTime}</th>
          <th>${t.lastError}</th>
          <th></th>
        </tr>
      </thead>
      <tbody>${rows}</tbody>
    </table>
  `;
}

/**
 * The jobs pages: a list filtered by state and date, and one job's page
 * with its timeline, ComfyUI prompt id and server.
 *
 * @module
 */

import { type Html, html } from "./html.ts";
import { BASE, page } from "./layout.ts";
import { JOB_STATES, type JobFilter, type JobRow } from "./records.ts";
import type { DashTexts } from "./texts.ts";

/** A table of jobs, each linking to its page. */
export function jobsTable(t: DashTexts, jobs: readonly JobRow[]): Html {
  if (jobs.length === 0) return html`<p>${t.nothingFound}</p>`;
  const rows = jobs.map((j) =>
    html`
      <tr data-state="${j.state}">
        <td><a href="${BASE}/jobs/${j.id}">${j.id.slice(0, 8)}</a></td>
        <td>${j.createdAt}</td>
        <td><a href="${BASE}/users/${j.userId}">${j.userId}</a></td>
        <td>${j.state}</td>
        <td>${j.settings}</td>
        <td>${j.cost}</td>
        <td>${j.server ?? ""}</td>
      </tr>
    `
  );
  return html`
    <table class="jobs">
      <thead>
        <tr>
          <th>${t.id}</th>
          <th>${t.created}</th>
          <th>${t.user}</th>
          <th>${t.state}</th>
          <th>${t.settings}</th>
          <th>${t.cost}</th>
          <th>${t.server}</th>
        </tr>
      </thead>
      <tbody>${rows}</tbody>
    </table>
  `;
}

/** The job list with its filter form. */
export function jobsPage(
  t: DashTexts,
  filter: JobFilter,
  jobs: readonly JobRow[],
): Html {
  const options = JOB_STATES.map((s) =>
    html`<option value="${s}" ${
      filter.state === s ? "selected" : ""
    }>${s}</option>`
  );
  const body =
    html`<form method="get" action="${BASE}/jobs" class="card" id="job-filter">
<select name="state" aria-label="${t.state}"><option value="">${t.allStates}</option>${options}</select>
<label>${t.from} <input type="date" name="from" value="${
      filter.from ?? ""
    }"></label>
<label>${t.to} <input type="date" name="to" value="${filter.to ?? ""}"></label>
<button type="submit">${t.filter}</button></form>
<section class="card">${jobsTable(t, jobs)}</section>`;
  return page(t, { active: "jobs", body });
}

/** One job's page. */
export function jobPage(
  t: DashTexts,
  job: JobRow,
  moves: readonly { kind: string; at: string; amount: number }[],
  events: readonly { state: string; at: string }[] = [],
): Html {
  const at = (kind: string) => moves.find((m) => m.kind === kind)?.at;
  const reached = (state: string) => events.find((e) => e.state === state)?.at;
  // The job's event log gives each step's time (older jobs fall back to
  // the journal and the jobs table); "submitted" also names the prompt id
  // and server it got, and the journal when the price was captured.
  const submitted = reached("submitted");
  const where = job.promptId && `${job.promptId} @ ${job.server ?? "?"}`;
  const steps: [string, string | undefined][] = [
    [t.queued, reached("queued") ?? at("hold") ?? job.createdAt],
    [
      t.submitted,
      submitted && where ? `${submitted} (${where})` : submitted ?? where,
    ],
    [t.progress, reached("running") ?? reached("delivering") ?? job.updatedAt],
    [
      job.state === "done" ? t.delivered : t.finished,
      at("capture") ?? at("release") ?? job.finishedAt,
    ],
  ];
  const field = (name: string, value: string | number | undefined) =>
    html`
      <tr>
        <th>${name}</th>
        <td>${value ?? "—"}</td>
      </tr>
    `;
  const body = html`
    <section class="card">
      <h2>${t.job} ${job.id}</h2>
      <table id="job">
    ${field(t.state, job.state)}${field(t.user, job.userId)}${field(
      t.settings,
      job.settings,
    )}${field(t.cost, job.cost)}${field(t.promptId, job.promptId)}${field(
      t.server,
      job.server,
    )}${field(t.renderSeconds, job.renderSeconds?.toFixed(1))}${field(
      t.attempts,
      job.attempts,
    )}${field(t.error, job.error)}${field(t.video, job.videoFileId)}</table>
    </section>
    <section class="card">
      <h2>${t.timeline}</h2>
      <ol id="timeline">${steps.map(([name, when]) =>
        html`<li>${name}: <time>${when ?? "—"}</time></li>`
      )}</ol>
      <table>
        <tbody>${moves.map((m) =>
          html`
            <tr>
              <td>${m.at}</td>
              <td>${m.kind}</td>
              <td>${m.amount}</td>
            </tr>
          `
        )}</tbody>
      </table>
    </section>
  `;
  return page(t, { active: "jobs", body });
}

/**
 * The users pages: search by id, @username or name, and one user's page
 * with balance, journal, jobs and videos, and the grant and take-back
 * forms (each render carries a fresh idempotency key).
 *
 * @module
 */

import type { Ban } from "../bans/mod.ts";
import type { JournalEntry } from "../ledger/mod.ts";
import { type Html, html } from "./html.ts";
import { jobsTable } from "./jobs_view.ts";
import { BASE, notice, page } from "./layout.ts";
import type { JobRow, UserRow } from "./records.ts";
import type { DashTexts } from "./texts.ts";

/** The search page. */
export function usersPage(
  t: DashTexts,
  query: string,
  users: readonly UserRow[],
): Html {
  const rows = users.map((u) =>
    html`
      <tr>
        <td><a href="${BASE}/users/${u.userId}">${u.userId}</a></td>
        <td>${u.username ? `@${u.username}` : ""}</td>
        <td>${u.name}</td>
        <td class="num">${u.tokens}</td>
        <td>${u.videos}</td>
        <td>${u.createdAt?.slice(0, 10)}</td>
      </tr>
    `
  );
  const body = html`<form method="get" action="${BASE}/users" class="card">
<input type="search" name="q" value="${query}" placeholder="${t.searchHint}" aria-label="${t.searchHint}">
<button type="submit">${t.search}</button></form>
<section class="card">${
    users.length === 0 ? html`<p>${t.nothingFound}</p>` : html`
      <table id="users">
        <thead>
          <tr>
            <th>${t.id}</th>
            <th>@</th>
            <th>${t.name}</th>
            <th>${t.balance}</th>
            <th>${t.videos}</th>
            <th>${t.since}</th>
          </tr>
        </thead>
        <tbody>${rows}</tbody>
      </table>
    `
  }</section>`;
  return page(t, { active: "users", body });
}

/** What a user's page shows. */
export interface UserPageData {
  readonly user: UserRow;
  readonly journal: readonly JournalEntry[];
  readonly jobs: readonly JobRow[];
  readonly csrf: string;
  /** A fresh key per render: a form submitted twice moves tokens once. */
  readonly formKey: string;
  readonly message?: { text: string; error: boolean } | undefined;
  /** The user's ban (/ban), if banned. */
  readonly ban?: Ban | undefined;
}

/** One user's page. */
export function userPage(t: DashTexts, d: UserPageData): Html {
  const u = d.user;
  const form = (action: string, label: string, hint?: string) =>
    html`
      <form method="post" action="${BASE}/users/${u.userId}/${action}"
        class="card" id="form-${action}">
      <input type="hidden" name="csrf" value="${d.csrf}">
      <input type="hidden" name="key" value="${d.formKey}">
      <label>${label} <input type="number" name="amount" min="1" max="1000000" required></label>
      <button type="submit">${label}</button>${hint
        ? html`
          <span class="muted">${hint}</span>
        `
        : ""}</form>
    `;
  const journal = d.journal.map((e) =>
    html`
      <tr>
        <td>${e.createdAt}</td>
        <td>${e.kind}</td>
        <td>${e.amount}${e.heldDelta !== 0 ? ` (${e.heldDelta})` : ""}</td>
        <td>${e.tokensAfter}</td>
        <td>${e.note ?? e.jobId ?? ""}</td>
      </tr>
    `
  );
  const videos = d.jobs.filter((j) => j.videoFileId !== undefined);
  const body = html`
    ${notice(d.message?.text, d.message?.error ?? false)}<section class="card">
      <h2>${u.name || "—"} ${u.username ? `@${u.username}` : ""} · ${t.id} ${u
        .userId}</h2>
      <p>${t.balance}: <b id="balance">${u.tokens}</b> · ${t.held}: ${u
        .held} · ${t.videos}: ${u.videos}</p>${d.ban
        ? html`<p id="ban">⛔ ${t.banned}: ${d.ban.bannedAt} · ${d.ban.bannedBy} · ${
          d.ban.reason ?? "—"
        }</p>`
        : ""}
    </section><div class="grid">${form("grant", t.grant)}${form(
      "refund",
      t.refund,
      t.refundHint,
    )}</div>
    <section class="card">
      <h2>${t.journal}</h2>
      <table id="journal">
        <thead>
          <tr>
            <th>${t.time}</th>
            <th>${t.kind}</th>
            <th>${t.amount}</th>
            <th>${t.after}</th>
            <th>${t.note}</th>
          </tr>
        </thead>
        <tbody>${journal}</tbody>
      </table>
    </section>
    <section class="card"><h2>${t.jobs}</h2>${jobsTable(t, d.jobs)}</section>
    <section class="card">
      <h2>${t.videos}</h2>
      <ul>${videos.map((j) =>
        html`<li><a href="${BASE}/jobs/${j.id}">${j.createdAt}</a> · ${j.settings} · <code>${j.videoFileId}</code></li>`
      )}</ul>
    </section>
  `;
  return page(t, { active: "users", body });
}

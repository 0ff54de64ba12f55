/**
 * The page shell: navigation, styles that read well on a phone, and the
 * headers every dashboard answer carries (no caching, no framing, scripts
 * only from the dashboard itself).
 *
 * @module
 */

import { type Html, html, type HtmlValue, raw } from "./html.ts";
import type { DashTexts } from "./texts.ts";

/** Where the dashboard lives. */
export const BASE = "/dashboard";

/** Headers of every dashboard answer. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "cache-control": "no-store",
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "content-security-policy": "default-src 'none'; script-src 'self'; " +
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'",
};

const STYLE = `
*{box-sizing:border-box}body{margin:0;font:15px/1.4 system-ui,sans-serif;
color:#1d2330;background:#f4f6fa}header{background:#1d2330;color:#fff;
padding:.6rem 1rem;display:flex;flex-wrap:wrap;gap:1rem;align-items:center}
header a{color:#cfe0ff;text-decoration:none}header a.on{color:#fff;
font-weight:600}header b{margin-right:auto}main{padding:1rem;max-width:1200px;
margin:auto}.grid{display:grid;gap:1rem;grid-template-columns:
repeat(auto-fit,minmax(340px,1fr))}.card{background:#fff;border-radius:8px;
padding:.8rem;box-shadow:0 1px 3px #0002;overflow-x:auto}h2{font-size:1rem;
margin:0 0 .5rem}table{border-collapse:collapse;width:100%}td,th{padding:
.3rem .5rem;border-bottom:1px solid #e3e7ef;text-align:left;vertical-align:
top;font-size:14px}form.inline{display:inline}input,select,button{font:inherit;
padding:.3rem .5rem}button{cursor:pointer}.msg{padding:.5rem;background:
#e6f4ea;border-radius:6px}.err{background:#fde8e8}.muted{color:#6b7280}
.chart{min-height:240px}@media(max-width:600px){.grid{grid-template-columns:
1fr}main{padding:.5rem}}`;

/** A whole page. `scripts`: dashboard script paths to load. */
export function page(
  t: DashTexts,
  options: {
    readonly active?: "overview" | "users" | "jobs";
    readonly body: HtmlValue;
    readonly scripts?: readonly string[];
    readonly head?: Html;
  },
): Html {
  const link = (href: string, name: string, key: string) =>
    html`<a href="${BASE}${href}" class="${
      options.active === key ? "on" : ""
    }">${name}</a>`;
  return html`
    <!doctype html>
    <html lang="${t.lang}">
      <head>
    <meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
    <title>${t.title}</title><style>${raw(STYLE)}</style>${options.head}</head>
      <body><header><b>${t.title}</b>${link("", t.overview, "overview")}${link(
        "/users",
        t.users,
        "users",
      )}${link("/jobs", t.jobs, "jobs")}</header><main>${options
        .body}</main>${(options.scripts ?? []).map((src) =>
          html`<script src="${BASE}${src}"></script>`
        )}</body>
    </html>
  `;
}

/** An HTML answer with the security headers. */
export function htmlResponse(
  body: Html,
  status = 200,
  headers: Record<string, string> = {},
): Response {
  return new Response(body.value, {
    status,
    headers: {
      ...SECURITY_HEADERS,
      "content-type": "text/html; charset=utf-8",
      ...headers,
    },
  });
}

/** The 401 page: one sentence, nothing of the dashboard. */
export function unauthorized(t: DashTexts): Response {
  return htmlResponse(
    html`
      <!doctype html>
      <html lang="${t.lang}">
        <head>
          <meta charset="utf-8">
          <meta name="viewport" content="width=device-width, initial-scale=1">
          <title>401</title>
        </head>
        <body>
          <h1>401</h1>
          <p>${t.unauthorized}</p>
        </body>
      </html>
    `,
    401,
  );
}

/** A short notice shown above a page's content. */
export function notice(text: string | undefined, error = false): Html {
  if (text === undefined) return html``;
  return html`<p class="msg ${error ? "err" : ""}" role="status">${text}</p>`;
}

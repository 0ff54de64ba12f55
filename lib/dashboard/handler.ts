/**
 * The dashboard's HTTP routes under `/dashboard`. Opening a one-time link
 * (`/dashboard/open?t=…`) is the only way in; every other path, the data
 * API and the static files included, needs the session cookie and answers
 * 401 without it. Forms are POSTed with the session's CSRF token.
 *
 * @module
 */

import type { Clock } from "../clock.ts";
import type { Ledger } from "../ledger/mod.ts";
import type { Logger } from "../log.ts";
import { ASSETS } from "./assets.ts";
import { type Html, html } from "./html.ts";
import { type DashboardAuth, type Session, sessionCookie } from "./auth.ts";
import type { ChartData } from "./charts.ts";
import { type MoneyAction, moneyForm } from "./money_form.ts";
import {
  BASE,
  htmlResponse,
  SECURITY_HEADERS,
  unauthorized,
} from "./layout.ts";
import { jobPage, jobsPage } from "./jobs_view.ts";
import { overviewPage, type ServerView } from "./overview_view.ts";
import type { Records } from "./records.ts";
import type { BanStore } from "../bans/mod.ts";
import { dashTexts } from "./texts.ts";
import { randomNonce, TokenError } from "./token.ts";
import { userPage, usersPage } from "./users_view.ts";

/** The render servers, as far as the dashboard controls them. */
export interface DashboardServers {
  status(): readonly ServerView[];
  /** Takes a server out of rotation (false) or back; false if unknown. */
  setEnabled(name: string, on: boolean): boolean;
}

/** What the dashboard reads and changes. */
export interface DashboardOptions {
  readonly records: Records;
  /** Bans, shown on a user's page (absent: none). */
  readonly bans?: BanStore | undefined;
  /** The charts' data of the month before `now`. */
  readonly charts: (now: number) => Promise<ChartData>;
  readonly ledger: Ledger;
  readonly auth: DashboardAuth;
  readonly clock: Clock;
  readonly log: Logger;
  readonly servers?: DashboardServers | undefined;
  /** Mark the cookie Secure (the dashboard is served over https). */
  readonly secure: boolean;
  /**
   * Masks the configured secrets in stored error texts (a job's error may
   * quote a Bot API description or a URL); default: as is.
   */
  readonly mask?: (text: string) => string;
}

/** Answers every request whose path starts with `/dashboard`. */
export class Dashboard {
  readonly #o: DashboardOptions;
  readonly #records: Records;

  constructor(options: DashboardOptions) {
    this.#o = options;
    this.#records = options.records;
  }

  /** Whether a path is the dashboard's. */
  static owns(path: string): boolean {
    return path === BASE || path.startsWith(`${BASE}/`);
  }

  /** Answers one request. */
  async handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const path = url.pathname.replace(/\/+$/, "") || "/";
    if (path === `${BASE}/open`) {
      // Only a browser's GET spends the one-time link: a HEAD (a link
      // preview, a proxy's check) must leave it usable.
      if (request.method !== "GET") {
        await request.body?.cancel();
        return new Response("method not allowed\n", {
          status: 405,
          headers: { allow: "GET" },
        });
      }
      return await this.#open(url);
    }
    const session = await this.#o.auth.session(request);
    if (session === undefined) {
      await request.body?.cancel();
      return unauthorized(dashTexts("ru"));
    }
    if (request.method === "POST") {
      return await this.#post(request, path, session);
    }
    if (request.method !== "GET" && request.method !== "HEAD") {
      return new Response("method not allowed\n", { status: 405 });
    }
    return await this.#get(url, path, session);
  }

  async #open(url: URL): Promise<Response> {
    try {
      const session = await this.#o.auth.open(url.searchParams.get("t") ?? "");
      this.#o.log.info("dashboard opened", { admin: session.admin });
      return new Response(null, {
        status: 303,
        headers: {
          ...SECURITY_HEADERS,
          location: BASE,
          "set-cookie": sessionCookie(session, this.#o.secure),
        },
      });
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      this.#o.log.warn("dashboard link refused", { problem: error.problem });
      return unauthorized(dashTexts("ru"));
    }
  }

  async #get(url: URL, path: string, session: Session): Promise<Response> {
    const t = dashTexts(session.locale);
    const q = url.searchParams;
    const notFound = () => htmlResponse(htmlNotFound(t.notFound), 404);
    if (path === BASE) {
      return htmlResponse(overviewPage(t, {
        servers: this.#o.servers?.status() ?? [],
        csrf: session.csrf,
      }));
    }
    if (path === `${BASE}/api/charts`) {
      const data = await this.#o.charts(this.#o.clock.now());
      return Response.json({ ...data, labels: t }, {
        headers: SECURITY_HEADERS,
      });
    }
    if (path.startsWith(`${BASE}/static/`)) {
      // Own properties only: `constructor` or `__proto__` are no files.
      const name = path.slice(`${BASE}/static/`.length);
      const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
      if (asset === undefined) return notFound();
      return new Response(asset.body, {
        headers: { ...SECURITY_HEADERS, "content-type": asset.type },
      });
    }
    if (path === `${BASE}/users`) {
      const query = q.get("q") ?? "";
      return htmlResponse(
        usersPage(t, query, await this.#records.searchUsers(query)),
      );
    }
    const userMatch = /^\/dashboard\/users\/(\d{1,15})$/.exec(path);
    if (userMatch) {
      const user = await this.#records.user(Number(userMatch[1]));
      if (user === undefined) return notFound();
      const applied = q.get("applied");
      return htmlResponse(userPage(t, {
        user,
        journal: await this.#o.ledger.journal(user.userId, 30),
        jobs: await this.#records.jobs({ userId: user.userId, limit: 30 }),
        csrf: session.csrf,
        formKey: randomNonce(),
        ban: await this.#o.bans?.get(user.userId),
        message: applied === null ? undefined : {
          text:
            applied === "0" || applied === "" || Number.isNaN(Number(applied))
              ? (applied === "bad" ? t.badAmount : t.nothingApplied)
              : t.applied(Number(applied), user.tokens),
          error: applied === "bad",
        },
      }));
    }
    if (path === `${BASE}/jobs`) {
      const filter = {
        state: q.get("state") || undefined,
        from: q.get("from") || undefined,
        to: q.get("to") || undefined,
      };
      return htmlResponse(
        jobsPage(t, filter, await this.#records.jobs(filter)),
      );
    }
    const jobMatch = /^\/dashboard\/jobs\/([\w-]{1,64})$/.exec(path);
    if (jobMatch?.[1] !== undefined) {
      const job = await this.#records.job(jobMatch[1]);
      if (job === undefined) return notFound();
      const mask = this.#o.mask ?? ((text: string) => text);
      return htmlResponse(
        jobPage(
          t,
          {
            ...job,
            error: job.error === undefined ? undefined : mask(job.error),
          },
          await this.#records.jobMoves(job.id),
          await this.#records.jobEvents(job.id),
        ),
      );
    }
    return notFound();
  }

  async #post(
    request: Request,
    path: string,
    session: Session,
  ): Promise<Response> {
    let form: FormData;
    try {
      form = await request.formData();
    } catch {
      return new Response("bad form\n", { status: 400 });
    }
    if (!sameText(String(form.get("csrf") ?? ""), session.csrf)) {
      return htmlResponse(htmlNotFound(dashTexts(session.locale).csrf), 403);
    }
    const money = /^\/dashboard\/users\/(\d{1,15})\/(grant|refund)$/.exec(path);
    if (money) {
      const userId = Number(money[1]);
      const applied = await moneyForm({
        ledger: this.#o.ledger,
        log: this.#o.log,
        admin: session.admin,
        userId,
        action: money[2] as MoneyAction,
        amount: String(form.get("amount") ?? ""),
        key: String(form.get("key") ?? ""),
      });
      return redirect(`${BASE}/users/${userId}?applied=${applied}`);
    }
    if (path === `${BASE}/servers` && this.#o.servers !== undefined) {
      const name = String(form.get("name") ?? "");
      const on = form.get("on") === "1";
      if (this.#o.servers.setEnabled(name, on)) {
        this.#o.log.info("dashboard changed a server", {
          admin: session.admin,
          server: name,
          enabled: on,
        });
      }
      return redirect(`${BASE}#servers`);
    }
    return new Response("not found\n", { status: 404 });
  }
}

function redirect(location: string): Response {
  return new Response(null, {
    status: 303,
    headers: { ...SECURITY_HEADERS, location },
  });
}

function htmlNotFound(text: string): Html {
  return html`
    <!doctype html>
    <meta charset="utf-8">
    <p>${text}</p>
  `;
}

// Constant time: the answer time must not reveal the CSRF token.
function sameText(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < b.length; i++) {
    diff |= (a.charCodeAt(i) || 0) ^ b.charCodeAt(i);
  }
  return diff === 0;
}

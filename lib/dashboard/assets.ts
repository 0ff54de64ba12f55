/**
 * uPlot (MIT, https://github.com/leeoniya/uPlot), embedded as text through
 * Deno's text imports so `deno compile` and `deno bundle` carry it inside
 * the binary: the dashboard loads nothing from the internet. Its licence
 * is served next to it at `/dashboard/static/uplot.LICENSE.txt`.
 *
 * @module
 */

import uplotCss from "uplot/dist/uPlot.min.css" with { type: "text" };
import uplotJs from "uplot/dist/uPlot.iife.min.js" with { type: "text" };
import uplotLicense from "uplot/LICENSE" with { type: "text" };
import { CHARTS_JS } from "./charts_client.ts";

/** A file served under `/dashboard/static/`. */
export interface Asset {
  readonly type: string;
  readonly body: string;
}

/** The static files, by name. */
export const ASSETS: Readonly<Record<string, Asset>> = {
  "uplot.js": { type: "text/javascript; charset=utf-8", body: uplotJs },
  "uplot.css": { type: "text/css; charset=utf-8", body: uplotCss },
  "uplot.LICENSE.txt": {
    type: "text/plain; charset=utf-8",
    body: uplotLicense,
  },
  "charts.js": { type: "text/javascript; charset=utf-8", body: CHARTS_JS },
};

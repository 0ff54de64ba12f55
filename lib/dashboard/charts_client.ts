/**
 * The overview page's script (served as `/dashboard/static/charts.js`): it
 * fetches `/dashboard/api/charts` with the session cookie and draws each
 * chart with uPlot. After drawing, each chart's element gets
 * `data-drawn="<series>x<points>"` so tests can tell a drawn chart from an
 * empty box.
 *
 * @module
 */

/** The script's source (plain ES2017, no modules). */
export const CHARTS_JS: string = String.raw`(function () {
"use strict";
var COLORS = ["#3b82f6", "#f59e0b", "#10b981", "#ef4444", "#8b5cf6",
  "#ec4899", "#14b8a6", "#64748b", "#84cc16"];
function el(id) { return document.getElementById(id); }
function width(box) { return Math.max(280, box.clientWidth - 8); }
function bars(opts) { return uPlot.paths.bars(opts || { size: [0.7, 60] }); }
function mark(box, series, points) {
  box.setAttribute("data-drawn", series + "x" + points);
}
function empty(box, text) {
  box.textContent = text; box.setAttribute("data-drawn", "0x0");
}
// Counts and seconds start at zero, whatever the smallest value is.
var FROM_ZERO = { range: function (u, min, max) { return [0, Math.max(1, max) * 1.1]; } };
function dayTimes(days) {
  return days.map(function (d) { return Date.parse(d + "T00:00:00Z") / 1000; });
}
// Stacked bars: each series is drawn as the running total, the biggest
// first, so every layer shows its own share.
function stacked(id, xs, series, labels) {
  var box = el(id);
  if (series.length === 0) { empty(box, labels.noData); return; }
  var sums = xs.map(function () { return 0; });
  var layers = series.map(function (s) {
    sums = sums.map(function (v, i) { return v + (s.values[i] || 0); });
    return { label: s.label, values: sums.slice() };
  }).reverse();
  var n = layers.length;
  var opts = {
    width: width(box), height: 220,
    series: [{}].concat(layers.map(function (s, i) {
      return { label: s.label, fill: COLORS[(n - 1 - i) % COLORS.length],
        stroke: COLORS[(n - 1 - i) % COLORS.length], paths: bars(),
        points: { show: false } };
    })),
    scales: { y: FROM_ZERO },
    axes: [{}, {}],
  };
  new uPlot(opts, [xs].concat(layers.map(function (s) { return s.values; })), box);
  mark(box, layers.length, xs.length);
}
function lines(id, xs, series, colors, barsAlso) {
  var box = el(id);
  var opts = {
    width: width(box), height: 220,
    scales: { y: FROM_ZERO },
    series: [{}].concat(series.map(function (s, i) {
      var c = colors[i % colors.length];
      return { label: s.label, stroke: c, width: 2,
        fill: barsAlso && i > 0 ? c + "55" : undefined,
        paths: barsAlso && i > 0 ? bars({ size: [0.5, 40] }) : undefined };
    })),
  };
  new uPlot(opts, [xs].concat(series.map(function (s) { return s.values; })), box);
  mark(box, series.length, xs.length);
}
// Categories (settings, causes) on the x axis, bars per series.
function categories(id, names, series, labels) {
  var box = el(id);
  if (names.length === 0) { empty(box, labels.noData); return; }
  var xs = names.map(function (_, i) { return i; });
  var opts = {
    width: width(box), height: 220,
    scales: { x: { time: false, range: [-0.5, names.length - 0.5] }, y: FROM_ZERO },
    axes: [{ splits: function () { return xs; },
      values: function (u, splits) {
        return splits.map(function (i) {
          var s = names[i] || "";
          var max = Math.max(6, Math.floor(u.bbox.width / devicePixelRatio / names.length / 8));
          return s.length > max ? s.slice(0, max - 1) + "…" : s;
        });
      } }, {}],
    series: [{ value: function (u, i) { return i == null ? "" : names[i] || ""; } }]
      .concat(series.map(function (s, i) {
        return { label: s.label, fill: COLORS[(i + 2) % COLORS.length] + "cc",
          stroke: COLORS[(i + 2) % COLORS.length],
          paths: bars({ size: [i === 0 ? 0.7 : 0.4, 80] }), points: { show: false } };
      })),
  };
  new uPlot(opts, [xs].concat(series.map(function (s) { return s.values; })), box);
  mark(box, series.length, xs.length);
}
function draw(d) {
  var L = d.labels;
  stacked("chart-videos", dayTimes(d.days), d.videos, L);
  categories("chart-render", d.renderTimes.map(function (r) { return r.settings; }), [
    { label: "p90", values: d.renderTimes.map(function (r) { return r.p90; }) },
    { label: L.median, values: d.renderTimes.map(function (r) { return r.median; }) },
  ], L);
  lines("chart-queue", d.hours, [{ label: L.inProgress, values: d.inProgress }]
    .concat(d.jobsByState), COLORS, true);
  categories("chart-failures", d.failures.map(function (f) { return f.cause; }),
    [{ label: "", values: d.failures.map(function (f) { return f.count; }) }], L);
  lines("chart-tokens", dayTimes(d.days), d.tokens.map(function (s) {
    return { label: L[s.label] || s.label, values: s.values };
  }), ["#10b981", "#3b82f6", "#ef4444"], false);
  document.body.setAttribute("data-charts", "ready");
}
fetch("/dashboard/api/charts", { credentials: "same-origin" })
  .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
  .then(draw)
  .catch(function (e) {
    document.body.setAttribute("data-charts", "error");
    var box = el("chart-error"); if (box) box.textContent = String(e);
  });
})();
`;

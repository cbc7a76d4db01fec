// Trend: a series of snapshots of one process, one row per node ranked by growth (first, last,
// Δ, slope, verdict and a sparkline), a chart of the totals over time, the selected row's
// series as a chart, and "compare first and last" (those two snapshots as A and B). Every
// number and verdict is a string from the core's TrendReport; this module only draws them.
import { h } from '../dom.js';
import { controllerView, mountReportTable, notesWithoutFilters, reportNotes } from './table.js';

const SVG = 'http://www.w3.org/2000/svg';
const VERDICT_ORDER = { GROWING: 0, NOISY: 1, STEADY: 2, SHRINKING: 3 };

/** An SVG element; text children become text nodes (profile strings are never markup). */
function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v !== null && v !== undefined) el.setAttribute(k, String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    el.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  return el;
}

/** x, y pixel positions of `values` in a box, from 0 (or the smallest value, if negative)
 *  up to the largest. */
function positions(values, width, height, pad) {
  const max = Math.max(0, ...values);
  const min = Math.min(0, ...values);
  const span = max - min || 1;
  const step = values.length > 1 ? (width - 2 * pad) / (values.length - 1) : 0;
  return values.map((v, i) => [pad + i * step, height - pad - ((v - min) / span) * (height - 2 * pad)]);
}

/** A small line of the values, for a table cell. */
export function sparklineSvg(values, label) {
  const width = 72;
  const height = 16;
  const pts = positions(values, width, height, 2);
  return svg('svg', { class: 'sparkline', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': label },
    svg('polyline', { points: pts.map((p) => p.join(',')).join(' '), fill: 'none' }));
}

/**
 * A line chart of one value per snapshot: a point per snapshot with a tooltip (`tips[i]`),
 * the largest value's text at the top left and the first and last snapshot times below.
 */
function lineChart(values, { tips, topText, firstText, lastText, label, field }) {
  const width = 560;
  const height = 140;
  const pad = 18;
  const pts = positions(values, width, height, pad);
  return svg('svg', {
    class: 'trend-chart', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': label,
    'data-points': values.length, 'data-chart': field,
  },
  svg('line', { class: 'axis', x1: pad, y1: height - pad, x2: width - pad, y2: height - pad }),
  svg('text', { class: 'chart-label', x: pad, y: 12 }, topText),
  svg('text', { class: 'chart-label', x: pad, y: height - 3 }, firstText),
  svg('text', { class: 'chart-label', x: width - pad, y: height - 3, 'text-anchor': 'end' }, lastText),
  svg('polyline', { class: 'line', points: pts.map((p) => p.join(',')).join(' '), fill: 'none' }),
  ...pts.map(([x, y], i) => svg('circle', { class: 'point', cx: x, cy: y, r: 3 }, svg('title', null, tips[i]))));
}

/** "#3 heap-03.pb.gz, 2026-11-29 05:09:52 UTC" */
function snapshotName(s, i) {
  return `#${i + 1} ${s.file}${s.time ? `, ${s.time}` : ''}`;
}

function totalsChart(report) {
  const totals = report.snapshots.map((s) => s.total);
  const top = report.snapshots.reduce((best, s) => (s.total > best.total ? s : best), report.snapshots[0]);
  return lineChart(totals, {
    tips: report.snapshots.map((s, i) => `${snapshotName(s, i)}: ${s.totalText}`),
    topText: `total, up to ${top.totalText}`,
    firstText: report.snapshots[0].time || '#1',
    lastText: report.snapshots[report.snapshots.length - 1].time || `#${report.snapshots.length}`,
    label: `Totals over time: ${report.snapshots.map((s) => s.totalText).join(', ')}`,
    field: 'totals',
  });
}

function seriesChart(report, row) {
  let top = 0;
  row.values.forEach((v, i) => { if (v > row.values[top]) top = i; });
  return lineChart(row.values, {
    tips: report.snapshots.map((s, i) => `${snapshotName(s, i)}: ${row.valueTexts[i]}`),
    topText: `${report.key}, up to ${row.valueTexts[top]}`,
    firstText: report.snapshots[0].time || '#1',
    lastText: report.snapshots[report.snapshots.length - 1].time || `#${report.snapshots.length}`,
    label: `${row.name}: ${row.valueTexts.join(', ')}`,
    field: 'series',
  });
}

export const TREND_COLUMNS = [
  { col: 'first', label: 'first', numeric: true, text: (r) => r.firstText, key: (r) => r.first,
    title: 'Value in the first snapshot' },
  { col: 'last', label: 'last', numeric: true, text: (r) => r.lastText, key: (r) => r.last,
    title: 'Value in the last snapshot' },
  { col: 'delta', label: 'Δ', numeric: true, text: (r) => r.deltaText, key: (r) => r.delta,
    headClass: 'delta-col', cell: (td, r) => td.classList.add(r.delta > 0 ? 'up' : r.delta < 0 ? 'down' : 'zero'),
    title: 'Last minus first' },
  { col: 'slope', label: 'slope', numeric: true, text: (r) => r.slopeText, key: (r) => r.slope,
    title: 'Least-squares slope per hour (per snapshot when the profiles have no times)' },
  { col: 'verdict', label: 'verdict', text: (r) => r.verdict, firstDir: 'asc', extraPx: 18,
    key: (r) => (r.verdict in VERDICT_ORDER ? VERDICT_ORDER[r.verdict] : 9),
    cell: (td, r) => { td.dataset.verdict = r.verdict; td.classList.add('verdict'); },
    title: 'GROWING / SHRINKING: moved past the noise floor, nearly monotonically (Mann–Kendall τ ≥ 0.6); STEADY: within the floor; NOISY: up and down' },
  // The text is the core's Unicode sparkline (it sizes the column and is what copying gives);
  // the cell shows it drawn as a line.
  { col: 'series', label: 'series', text: (r) => r.sparkline, extraPx: 20,
    cell: (td, r) => {
      td.textContent = '';
      td.appendChild(sparklineSvg(r.values, r.valueTexts.join(', ')));
    } },
  { col: 'name', label: 'name', text: (r) => r.name, key: (r) => r.name, firstDir: 'asc', flex: true,
    headClass: 'name-col', cell: (td, r) => td.setAttribute('title', r.name) },
];

/**
 * Renders a TrendReport into `container`; returns its ReportTable (null in text mode).
 * ctx: { view, sort, onSort, onActivate, selected, search, showText, compareFirstLast }
 */
export function renderTrend(container, report, ctx) {
  const counts = {};
  for (const r of report.rows) counts[r.verdict] = (counts[r.verdict] || 0) + 1;
  const first = report.snapshots[0];
  const last = report.snapshots[report.snapshots.length - 1];
  const compareButton = h('button', {
    type: 'button', class: 'btn btn-small', id: 'trend-compare-first-last',
    title: `Load ${first.file} as A and ${last.file} as B, and compare them`,
    on: { click: () => ctx.compareFirstLast && ctx.compareFirstLast() },
  }, 'Compare first and last');
  const banner = h('div', { class: 'banner totals' },
    h('span', { class: 'banner-item' }, h('span', { class: 'k' }, 'type '), report.sampleType),
    h('span', { class: 'banner-item' }, h('span', { class: 'k' }, 'snapshots '),
      h('span', { class: 'v', dataset: { field: 'snapshots' } }, String(report.snapshots.length))),
    h('span', { class: 'banner-item' }, h('span', { class: 'k' }, 'total '),
      h('span', { class: 'v', dataset: { field: 'total-first' } }, first.totalText),
      h('span', { class: 'arrow', 'aria-hidden': 'true' }, ' → '),
      h('span', { class: 'v', dataset: { field: 'total-last' } }, last.totalText)),
    h('span', { class: `banner-item delta ${report.deltaTotal > 0 ? 'up' : report.deltaTotal < 0 ? 'down' : 'zero'}` },
      h('span', { class: 'k' }, 'Δ '),
      h('span', { class: 'v', dataset: { field: 'delta-total' } }, report.deltaTotalText),
      ' ', h('span', { class: 'v pct', dataset: { field: 'delta-total-pct' } }, `(${report.deltaTotalPctText})`)),
    report.normalized ? h('span', { class: 'banner-item pill' }, 'normalized to the last') : null,
    compareButton);
  const legend = h('span', { class: 'status-legend' },
    ['GROWING', 'NOISY', 'STEADY', 'SHRINKING'].filter((v) => counts[v]).map((v) =>
      h('span', { class: 'legend-item' }, h('span', { class: 'verdict', dataset: { verdict: v } }, v), ` ${counts[v]}`)));
  // The snapshot list and totals are in the chart and banner; the verdict rule and row count
  // stay as notes.
  const lines = notesWithoutFilters(report.lines).filter((l) => /^(Verdicts|Showing|Every snapshot)/.test(l));
  const seriesBox = h('figure', { class: 'trend-figure', id: 'trend-series-chart' });
  const charts = h('div', { class: 'trend-charts' },
    h('figure', { class: 'trend-figure', id: 'trend-totals-chart' },
      h('figcaption', null, 'Totals over time'), totalsChart(report)),
    seriesBox);
  container.appendChild(h('div', { class: 'view-head' },
    banner, h('div', { class: 'subhead' }, legend), charts, reportNotes(lines, report.warnings)));

  const byName = new Map(report.rows.map((r) => [r.name, r]));
  const showSeries = (name) => {
    seriesBox.replaceChildren();
    const row = name ? byName.get(name) : null;
    const shown = row || report.rows[0];
    if (!shown) {
      seriesBox.appendChild(h('figcaption', null, 'No rows'));
      delete seriesBox.dataset.name;
      return;
    }
    seriesBox.dataset.name = shown.name;
    seriesBox.appendChild(h('figcaption', null, `${row ? '' : 'Top row: '}${shown.name} (${shown.verdict})`));
    seriesBox.appendChild(seriesChart(report, shown));
  };
  showSeries(ctx.selected);

  const table = mountReportTable(container, TREND_COLUMNS, report, ctx,
    (tr, r) => { tr.dataset.verdict = r.verdict; });
  if (table) {
    // Selecting a row (click, j/k, a link) redraws its chart.
    const select = table.select.bind(table);
    table.select = (name, opts) => {
      select(name, opts);
      showSeries(name);
    };
  }
  return table;
}

/** The Trend view (the view interface: views/index.js, www/README.md). Selecting a row shows
 *  its series as a chart (the callers/callees panel reads A and B, not the series). */
export const trend = {
  id: 'trend',
  title: 'Trend',
  slots: ['series'],
  controls: ['table', 'pair'],
  fetch: (client, opts) => client.call('trend', [opts]),
  exportText: (client, opts, format) => client.call('exportTrend', [opts, format]),
  create: (ctx) => controllerView({ ...ctx, onActivate: (name) => ctx.select(name) }, renderTrend),
};

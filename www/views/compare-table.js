// Compare: A against B, one row per node, with Δ and a status. Colour says more (red) or less
// (green); the status cell also carries a symbol, so nothing relies on colour alone.
import { h } from '../dom.js';
import { controllerView, mountReportTable, notesWithoutFilters, reportNotes } from './table.js';

const STATUS_ORDER = { NEW: 0, GREW: 1, SAME: 2, SHRANK: 3, GONE: 4 };

/** "up" for a positive raw value, "down" for a negative one (a sign test, not arithmetic). */
export function signClass(value) {
  return value > 0 ? 'up' : value < 0 ? 'down' : 'zero';
}

function signed(field) {
  return (td, r) => td.classList.add(signClass(r[field]));
}

// Δ% orders by the report's raw deltaPct; "new" (A = 0, deltaPct null) sorts beyond every
// finite change, in the direction of Δflat.
function relativeKey(r) {
  if (r.deltaPct === null || r.deltaPct === undefined) {
    return r.deltaFlat > 0 ? Infinity : r.deltaFlat < 0 ? -Infinity : 0;
  }
  return r.deltaPct;
}

export const COMPARE_COLUMNS = [
  { col: 'name', label: 'name', text: (r) => r.name, key: (r) => r.name, firstDir: 'asc', flex: true,
    headClass: 'name-col', cell: (td, r) => td.setAttribute('title', r.name) },
  { col: 'a-flat', label: 'A flat', numeric: true, text: (r) => r.aFlatText, key: (r) => r.aFlat },
  { col: 'b-flat', label: 'B flat', numeric: true, text: (r) => r.bFlatText, key: (r) => r.bFlat },
  { col: 'delta-flat', label: 'Δflat', numeric: true, text: (r) => r.deltaFlatText, key: (r) => r.deltaFlat,
    cell: signed('deltaFlat'), headClass: 'delta-col' },
  { col: 'delta-pct', label: 'Δ%', numeric: true, text: (r) => r.deltaPctText, key: relativeKey,
    cell: signed('deltaFlat'), title: 'Δflat relative to A flat; "new" when A flat is 0' },
  { col: 'a-cum', label: 'A cum', numeric: true, text: (r) => r.aCumText, key: (r) => r.aCum },
  { col: 'b-cum', label: 'B cum', numeric: true, text: (r) => r.bCumText, key: (r) => r.bCum },
  { col: 'delta-cum', label: 'Δcum', numeric: true, text: (r) => r.deltaCumText, key: (r) => r.deltaCum,
    cell: signed('deltaCum'), headClass: 'delta-col' },
  { col: 'status', label: 'status', text: (r) => r.status, extraPx: 18,
    key: (r) => (r.status in STATUS_ORDER ? STATUS_ORDER[r.status] : 9), firstDir: 'asc',
    cell: (td, r) => { td.dataset.status = r.status; td.classList.add('status'); } },
];

/** Renders a DiffReport; returns its ReportTable (null in text mode).
 *  ctx: { view, labels: {a, b}, sort, onSort, onActivate, selected, search, showText } */
export function renderCompare(container, report, ctx) {
  container.appendChild(compareHead(report, ctx));
  return mountReportTable(container, COMPARE_COLUMNS, report, ctx,
    (tr, r) => { tr.dataset.status = r.status; });
}

/** Totals banner (A, B, Δ, Δ%) shared by Compare and Paths. */
export function totalsBanner(report, labels, deltaTotalSign) {
  const side = (slot, s) => h('span', { class: 'banner-item' },
    h('span', { class: `slot-chip slot-chip-${slot}` }, slot.toUpperCase()),
    labels && labels[slot] ? h('span', { class: 'banner-label' }, labels[slot]) : null,
    h('span', { class: 'v', dataset: { field: `total-${slot}` } }, s.totalText));
  const cls = signClass(deltaTotalSign);
  return h('div', { class: 'banner totals' },
    h('span', { class: 'banner-item' }, h('span', { class: 'k' }, 'type '), report.sampleType),
    side('a', report.a),
    h('span', { class: 'arrow', 'aria-hidden': 'true' }, '→'),
    side('b', report.b),
    h('span', { class: `banner-item delta ${cls}` },
      h('span', { class: 'k' }, 'Δ '),
      h('span', { class: 'v', dataset: { field: 'delta-total' } }, report.deltaTotalText),
      ' ',
      h('span', { class: 'v pct', dataset: { field: 'delta-total-pct' } }, `(${report.deltaTotalPctText})`)),
    report.normalized ? h('span', { class: 'banner-item pill' }, 'A normalized to B') : null);
}

function compareHead(report, ctx) {
  // The totals are in the banner; the other header lines (rows shown, dropped) stay as notes.
  const lines = notesWithoutFilters(report.lines).filter((l) => !/^(A|B): |^Δtotal: /.test(l));
  const counts = {};
  for (const r of report.rows) counts[r.status] = (counts[r.status] || 0) + 1;
  const legend = h('span', { class: 'status-legend' },
    ['NEW', 'GREW', 'SHRANK', 'GONE'].filter((s) => counts[s]).map((s) =>
      h('span', { class: 'legend-item', dataset: { status: s } }, h('span', { class: 'status' , dataset: { status: s } }, s), ` ${counts[s]}`)));
  return h('div', { class: 'view-head' },
    totalsBanner(report, ctx.labels, report.deltaTotal),
    h('div', { class: 'subhead' }, legend),
    reportNotes(lines, report.warnings));
}

/** The Compare view (the view interface: views/index.js, www/README.md). */
export const compare = {
  id: 'compare',
  title: 'Compare',
  slots: ['a', 'b'],
  controls: ['table', 'pair'],
  fetch: (client, opts) => client.call('compare', [opts]),
  exportText: (client, opts, format) => client.call('exportCompare', [opts, format]),
  create: (ctx) => controllerView(ctx, renderCompare),
};

// Top A / Top B: pprof's top table (flat, flat%, sum%, cum, cum%, name, inlined) for one slot.
import { h } from '../dom.js';
import { controllerView, mountReportTable, notesWithoutFilters, reportNotes } from './table.js';

export const TOP_COLUMNS = [
  { col: 'flat', label: 'flat', numeric: true, text: (r) => r.flatText, key: (r) => r.flat,
    title: 'Value of samples whose leaf frame is this node' },
  { col: 'flat-pct', label: 'flat%', numeric: true, text: (r) => r.flatPct, key: (r) => r.flat },
  { col: 'sum-pct', label: 'sum%', numeric: true, text: (r) => r.sumPct, key: (r, i) => i, firstDir: 'asc',
    title: 'Running sum of flat% in the report order' },
  { col: 'cum', label: 'cum', numeric: true, text: (r) => r.cumText, key: (r) => r.cum,
    title: 'Value of samples that pass through this node' },
  { col: 'cum-pct', label: 'cum%', numeric: true, text: (r) => r.cumPct, key: (r) => r.cum },
  { col: 'name', label: 'name', text: (r) => r.name, key: (r) => r.name, firstDir: 'asc', flex: true,
    headClass: 'name-col', cell: (td, r) => td.setAttribute('title', r.name) },
  { col: 'inline', label: 'inlined', text: (r) => r.inline, key: (r) => r.inline, firstDir: 'desc',
    title: '(inline): every call to it was inlined; (partial-inline): some were' },
];

/** Renders a TopReport into `container`; returns its ReportTable (null in text mode).
 *  ctx: { view, labels, sort, onSort, onActivate, selected, search, showText } */
export function renderTop(container, report, ctx) {
  const slot = ctx.view === 'top-a' ? 'A' : 'B';
  const label = ctx.labels ? ctx.labels[slot.toLowerCase()] : '';
  const lines = notesWithoutFilters(report.lines).filter((l) => !/^Type: /.test(l));
  const head = h('div', { class: 'view-head' },
    h('div', { class: 'banner' },
      h('span', { class: `slot-chip slot-chip-${slot.toLowerCase()}` }, slot),
      label ? h('span', { class: 'banner-label' }, label) : null,
      h('span', { class: 'banner-item' }, h('span', { class: 'k' }, 'type '), report.header.sampleType),
      h('span', { class: 'banner-item' }, h('span', { class: 'k' }, 'total '),
        h('span', { class: 'v', dataset: { field: 'total' } }, report.totalText)),
      h('span', { class: 'banner-item muted' }, `${report.rows.length} rows`)),
    reportNotes(lines, report.warnings));
  container.appendChild(head);
  return mountReportTable(container, TOP_COLUMNS, report, ctx,
    (tr, r) => { if (r.inline) tr.dataset.inline = r.inline; });
}

/** Top A and Top B (the view interface: views/index.js, www/README.md). */
function topView(slot) {
  return {
    id: `top-${slot}`,
    title: `Top ${slot.toUpperCase()}`,
    slots: [slot],
    controls: ['table'],
    fetch: (client, opts) => client.call('top', [slot, opts]),
    exportText: (client, opts, format) => client.call('exportTop', [slot, opts, format]),
    create: (ctx) => controllerView(ctx, renderTop),
  };
}

export const topA = topView('a');
export const topB = topView('b');

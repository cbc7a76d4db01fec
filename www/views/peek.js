// The callers/callees panel (#peek): a function's callers above it and its callees below, with
// A, B and Δ per edge, as the core's PeekReport gives them. With one profile loaded only that
// side shows. Clicking an edge moves the panel to that function; Back returns.
import { h, clear } from '../dom.js';
import { signClass } from './compare-table.js';

/** The value columns for the report's sides. */
function sides(report) {
  if (report.hasA && report.hasB) return ['a', 'b', 'delta'];
  return [report.hasB ? 'b' : 'a'];
}

const HEAD = { a: 'A', b: 'B', delta: 'Δ' };

function edgeText(edge, col) {
  return col === 'a' ? edge.aText : col === 'b' ? edge.bText : edge.deltaText;
}

function edgeRows(role, edges, cols, onNavigate) {
  if (edges.length === 0) {
    return [h('tr', { class: 'peek-none' },
      h('td', { colspan: String(cols.length + 1) },
        role === 'caller' ? 'No callers: a root of every stack through it' : 'No callees: samples end here'))];
  }
  return edges.map((e) => {
    const tr = h('tr', {
      class: 'peek-edge',
      tabindex: '0',
      dataset: { role, name: e.name },
      title: `${role === 'caller' ? 'Caller' : 'Callee'} ${e.name}${e.inline ? ' (inlined call)' : ''}: open its callers and callees`,
      on: {
        click: () => onNavigate(e.name),
        keydown: (event) => {
          if (event.key === 'Enter' || event.key === ' ') {
            event.preventDefault();
            event.stopPropagation();
            onNavigate(e.name);
          }
        },
      },
    },
    h('td', { class: 'peek-name', dataset: { col: 'name' } }, h('div', { class: 'peek-cell' },
      h('span', { class: 'edge-mark', 'aria-hidden': 'true' }, role === 'caller' ? '↱' : '↳'),
      h('span', { class: 'fn' }, e.name),
      e.inline ? h('span', { class: 'tag', title: 'An inlined call' }, 'inline') : null)),
    cols.map((c) => {
      const td = h('td', { class: 'num', dataset: { col: c } }, edgeText(e, c));
      if (c === 'delta') td.classList.add(signClass(e.delta));
      return td;
    }));
    return tr;
  });
}

/**
 * Renders the panel for `report` (or `error`).
 * ctx: { name, canBack, onBack, onClose, onNavigate(name), onFocusPaths(name), pair (both slots
 *   loaded), labels }
 */
export function renderPeek(aside, report, error, ctx) {
  clear(aside);
  aside.dataset.name = ctx.name;
  const header = h('div', { class: 'peek-top' },
    h('button', { type: 'button', class: 'btn btn-small', id: 'peek-back', disabled: !ctx.canBack,
      title: 'Back to the previous function (Backspace)', on: { click: ctx.onBack } }, '← Back'),
    h('span', { class: 'peek-title' }, 'Callers & callees'),
    h('button', { type: 'button', class: 'icon-btn', id: 'peek-close', title: 'Close (Esc)', 'aria-label': 'Close the panel',
      on: { click: ctx.onClose } }, '×'));
  aside.appendChild(header);

  const body = h('div', { class: 'peek-body' });
  aside.appendChild(body);
  body.appendChild(h('div', { class: 'peek-fn', id: 'peek-name', title: ctx.name }, ctx.name));

  if (error) {
    body.appendChild(h('p', { class: 'view-error', role: 'alert', dataset: { kind: error.name } }, error.message));
    return;
  }
  if (!report) {
    body.appendChild(h('p', { class: 'peek-loading' }, 'Loading…'));
    return;
  }

  const cols = sides(report);
  const signOf = (text) => (text.startsWith('+') ? 1 : text.startsWith('-') ? -1 : 0);
  const valueCells = (a, b, d, sign) => cols.map((c) => {
    const td = h('td', { class: 'num', dataset: { col: c } }, c === 'a' ? a : c === 'b' ? b : d);
    if (c === 'delta') td.classList.add(signClass(sign));
    return td;
  });

  body.appendChild(h('div', { class: 'peek-actions' },
    h('button', { type: 'button', class: 'btn btn-small', id: 'peek-focus-paths', disabled: !ctx.pair,
      title: ctx.pair ? 'Show the growth paths through this function only (focus=^name$)' : 'Paths need A and B',
      on: { click: () => ctx.onFocusPaths(ctx.name) } }, 'Focus paths on it')));

  // One table, so every value column lines up: the function's flat and cum, its callers, the
  // function itself (its cum), its callees. Widths come from the widest value (monospace).
  const all = [...report.callers, ...report.callees,
    { aText: report.aCumText, bText: report.bCumText, deltaText: report.deltaCumText },
    { aText: report.aFlatText, bText: report.bFlatText, deltaText: report.deltaFlatText }];
  const width = (c) => Math.max(3, ...all.map((e) => edgeText(e, c).length));
  const colgroup = h('colgroup', null, h('col', { class: 'c-name' }),
    cols.map((c) => h('col', { class: 'c-num', style: `width: calc(${width(c)}ch + 18px)` })));
  const section = (label, count) => h('tr', { class: 'peek-section' },
    h('th', { scope: 'colgroup', colspan: String(cols.length + 1) }, label, h('span', { class: 'count' }, String(count))));
  const stat = (label, hint, a, b, d) => h('tr', { class: 'peek-stat', dataset: { stat: label } },
    h('th', { scope: 'row' }, label, h('span', { class: 'hint' }, hint)), valueCells(a, b, d, signOf(d)));
  const self = h('tr', { class: 'peek-self', dataset: { role: 'self', name: report.name } },
    h('td', { class: 'peek-name', dataset: { col: 'name' } }, h('div', { class: 'peek-cell' },
      h('span', { class: 'edge-mark', 'aria-hidden': 'true' }, '●'), h('span', { class: 'fn' }, report.name),
      h('span', { class: 'tag', title: 'The samples through the function' }, 'cum'))),
    valueCells(report.aCumText, report.bCumText, report.deltaCumText, signOf(report.deltaCumText)));
  body.appendChild(h('table', { class: 'peek-table' }, colgroup,
    h('thead', null, h('tr', null,
      h('th', { scope: 'col', class: 'peek-type' }, report.sampleType),
      cols.map((c) => h('th', { class: 'num', scope: 'col' }, colHead(c, ctx))))),
    h('tbody', { class: 'peek-stats' },
      stat('flat', 'samples ending in it', report.aFlatText, report.bFlatText, report.deltaFlatText)),
    h('tbody', { class: 'peek-callers' }, section('Callers', report.callers.length),
      edgeRows('caller', report.callers, cols, ctx.onNavigate)),
    h('tbody', { class: 'peek-self-body' }, self),
    h('tbody', { class: 'peek-callees' }, section('Callees', report.callees.length),
      edgeRows('callee', report.callees, cols, ctx.onNavigate))));
  body.appendChild(h('p', { class: 'peek-note' },
    'Caller and callee values are the samples through that call; the middle line is the function\'s cum. ',
    cols.length === 1 ? `Only ${cols[0].toUpperCase()} is loaded.` : null));
}

function colHead(c, ctx) {
  if (c === 'delta') return 'Δ';
  const label = ctx.labels && ctx.labels[c];
  return h('span', { class: `slot-chip slot-chip-${c}`, title: label || null }, HEAD[c]);
}

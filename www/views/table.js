// A sortable report table. Cells show the report's strings as they are; sorting uses raw
// numbers (or names) from the same rows and never changes what a cell says.
import { h, append } from '../dom.js';

/** Rows rendered before a "show all" button. */
export const ROW_LIMIT = 2000;

/** The sort after a click on `column`: its first direction, then the other, then the report's
 *  own order (null). */
export function nextSort(sort, column) {
  const first = column.firstDir || 'desc';
  if (!sort || sort.col !== column.col) return { col: column.col, dir: first };
  if (sort.dir === first) return { col: column.col, dir: first === 'desc' ? 'asc' : 'desc' };
  return null;
}

function compareKeys(x, y) {
  if (typeof x === 'number' && typeof y === 'number') {
    if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : 1;
    if (Number.isNaN(y)) return -1;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const sx = String(x);
  const sy = String(y);
  return sx < sy ? -1 : sx > sy ? 1 : 0;
}

/** Rows in the order of `sort` (stable; ties keep the report's order). */
export function sortRows(rows, columns, sort) {
  if (!sort) return rows;
  const column = columns.find((c) => c.col === sort.col);
  if (!column || !column.key) return rows;
  const sign = sort.dir === 'asc' ? 1 : -1;
  const keyed = rows.map((row, index) => ({ row, index, key: column.key(row, index) }));
  keyed.sort((p, q) => sign * compareKeys(p.key, q.key) || p.index - q.index);
  return keyed.map((k) => k.row);
}

/**
 * Builds `<table data-view=…>`.
 * columns: [{ col, label, title, numeric, text(row), key(row, index), firstDir, cell(td, row) }]
 * opts: { view, rows, sort, onSort(column) | null, showAll, onShowAll, row(tr, row, index) }
 * Returns a fragment holding the table and, when rows were cut, the "show all" bar.
 */
export function buildTable(columns, opts) {
  const { view, rows, sort, onSort, showAll, onShowAll } = opts;
  const ordered = sortRows(rows, columns, sort);
  const shown = showAll ? ordered : ordered.slice(0, ROW_LIMIT);

  const headRow = h('tr');
  for (const column of columns) {
    const active = sort && sort.col === column.col;
    const th = h('th', {
      scope: 'col',
      class: (column.numeric ? 'num ' : '') + (column.headClass || ''),
      dataset: { col: column.col },
      'aria-sort': active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : null,
      title: column.title || null,
    });
    if (onSort && column.key) {
      const indicator = h('span', { class: 'sort-ind', 'aria-hidden': 'true' },
        active ? (sort.dir === 'asc' ? '▲' : '▼') : '');
      th.appendChild(h('button', { type: 'button', class: 'th-btn', on: { click: () => onSort(column) } },
        column.label, indicator));
    } else {
      th.textContent = column.label;
    }
    headRow.appendChild(th);
  }

  const tbody = h('tbody');
  shown.forEach((row, index) => {
    const tr = h('tr', { dataset: { name: row.name } });
    for (const column of columns) {
      const td = h('td', { class: column.numeric ? 'num' : null, dataset: { col: column.col } });
      td.textContent = column.text(row);
      if (column.cell) column.cell(td, row);
      tr.appendChild(td);
    }
    if (opts.row) opts.row(tr, row, index);
    tbody.appendChild(tr);
  });

  const table = h('table', { class: `report report-${view}`, dataset: { view, rows: String(rows.length) } },
    h('thead', null, headRow), tbody);
  const out = document.createDocumentFragment();
  append(out, [h('div', { class: 'table-wrap' }, table)]);
  if (rows.length === 0) {
    out.appendChild(h('p', { class: 'no-rows' }, 'No rows: every node was filtered out or fell below the node fraction.'));
  }
  if (shown.length < rows.length) {
    out.appendChild(h('div', { class: 'show-all' },
      h('span', null, `Showing the first ${shown.length} of ${rows.length} rows. `),
      h('button', { type: 'button', class: 'btn', id: 'show-all', on: { click: onShowAll } }, 'Show all')));
  }
  return out;
}

/** The report's own header lines and warnings. */
export function reportNotes(lines, warnings, filters) {
  const out = [];
  if (lines && lines.length) {
    out.push(h('ul', { class: 'report-lines' }, lines.map((l) => h('li', null, l))));
  }
  if (filters && filters.length) {
    out.push(h('p', { class: 'report-filters' }, 'Active filters: ', filters.join(' · ')));
  }
  if (warnings && warnings.length) {
    out.push(h('ul', { class: 'warnings', role: 'status' }, warnings.map((w) => h('li', null, w))));
  }
  return out;
}

/** The whole text report, exactly. */
export function reportText(view, text) {
  const pre = h('pre', { class: 'report-text', dataset: { viewText: view } });
  pre.textContent = text;
  return h('div', { class: 'table-wrap text-wrap' }, pre);
}

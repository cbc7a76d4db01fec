// A sortable, virtualised report table. Cells show the report's strings as they are; sorting
// orders an index array by raw numbers (or names) from the same rows and never changes what a
// cell says. Long tables keep only the rows in view (plus a margin) in the DOM; two spacer rows
// hold the scroll height, so the scrollbar is right and scrolling renders the rows that come
// into view.
import { h, clear } from '../dom.js';

/** Tables with at most this many rows render every row (the browser's find sees them all).
 *  Longer ones render the rows in view: laying out a few hundred rows costs the browser about
 *  as much again as the rest of a tab switch. */
export const FULL_RENDER_ROWS = 200;
/** Rows rendered above and below the visible ones in a virtualised table. */
const OVERSCAN = 40;
/** The narrowest the name column gets before the table scrolls sideways. */
const NAME_MIN_CHARS = 26;
/** Row height used before a row has been measured (CSS fixes it; see style.css). */
const DEFAULT_ROW_HEIGHT = 22;

/** The sort after a click on `column`: its first direction, then the other, then the report's
 *  own order (null). */
export function nextSort(sort, column) {
  const first = column.firstDir || 'desc';
  if (!sort || sort.col !== column.col) return { col: column.col, dir: first };
  if (sort.dir === first) return { col: column.col, dir: first === 'desc' ? 'asc' : 'desc' };
  return null;
}

/**
 * A case-insensitive name matcher for the quick search: the query as a regular expression, or
 * as a plain substring when it is not a valid one. Returns null for an empty query.
 */
export function searchMatcher(query) {
  const q = (query || '').trim();
  if (q === '') return null;
  try {
    const re = new RegExp(q, 'i');
    return (name) => re.test(name);
  } catch {
    const needle = q.toLowerCase();
    return (name) => name.toLowerCase().includes(needle);
  }
}

/**
 * Indexes 0..n-1 of `rows` in the order of `sort` (stable: ties keep the report's order).
 * Keys are pulled out once (a Float64Array for numbers); the comparator only reads them.
 */
export function sortedIndexes(rows, columns, sort) {
  const n = rows.length;
  const idx = new Uint32Array(n); // typed: V8 sorts these several times faster than arrays
  for (let i = 0; i < n; i++) idx[i] = i;
  if (!sort) return idx;
  const column = columns.find((c) => c.col === sort.col);
  if (!column || !column.key) return idx;
  const sign = sort.dir === 'asc' ? 1 : -1;
  const first = n ? column.key(rows[0], 0) : 0;
  if (typeof first === 'number') {
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) keys[i] = column.key(rows[i], i);
    idx.sort((p, q) => {
      const x = keys[p];
      const y = keys[q];
      // NaN sorts last in either direction; equal keys (and ±Infinity pairs) keep report order
      if (x !== x) return y !== y ? p - q : 1;
      if (y !== y) return -1;
      return x < y ? -sign : x > y ? sign : p - q;
    });
  } else {
    const keys = new Array(n);
    for (let i = 0; i < n; i++) keys[i] = String(column.key(rows[i], i));
    idx.sort((p, q) => {
      const x = keys[p];
      const y = keys[q];
      return x < y ? -sign : x > y ? sign : p - q;
    });
  }
  return idx;
}

/** Widest text of a column over every row (monospace, so characters are widths). */
function columnChars(column, rows) {
  let max = column.label.length + (column.numeric ? 2 : 1); // room for the sort arrow
  for (let i = 0; i < rows.length; i++) {
    const len = column.text(rows[i]).length;
    if (len > max) max = len;
  }
  return max;
}

/**
 * A report table.
 * columns: [{ col, label, title, numeric, text(row), key(row, index), firstDir, cell(td, row),
 *   headClass, flex, extraPx }] (`flex`: the column that takes the remaining width, usually
 *   the name; `extraPx`: room for decorations drawn by CSS)
 * opts: { view, rows, sort, onSort(column) | null, row(tr, row, index), onActivate(name, index),
 *   selected (name), search (matcher or null), emptyText }
 *
 * `element` is the scroll container (`.table-wrap`) holding `table[data-view]`; call `mount()`
 * once it is in the document.
 */
export class ReportTable {
  constructor(columns, opts) {
    this.columns = columns;
    this.opts = opts;
    this.rows = opts.rows;
    this.sorted = sortedIndexes(this.rows, columns, opts.sort);
    this.order = this.sorted;
    this.selected = opts.selected || null;
    this.rowHeight = DEFAULT_ROW_HEIGHT;
    this.range = [-1, -1];
    this.build();
    this.applySearch(opts.search || null, false);
  }

  build() {
    const { columns, opts } = this;
    const { view, sort, onSort } = opts;

    // Fixed widths from the widest text (monospace), so columns stay put while rows come and
    // go; the flex column (the name) takes the rest, but never less than NAME_MIN_CHARS (the
    // table scrolls sideways instead).
    const colgroup = h('colgroup');
    let fixedChars = 0;
    let fixedPx = 0;
    for (const column of columns) {
      const col = h('col', { dataset: { col: column.col } });
      if (!column.flex) {
        const chars = columnChars(column, this.rows);
        const px = 22 + (column.extraPx || 0);
        col.style.width = `calc(${chars}ch + ${px}px)`;
        fixedChars += chars;
        fixedPx += px;
      }
      colgroup.appendChild(col);
    }

    const headRow = h('tr', { 'aria-rowindex': '1' });
    this.heads = [];
    for (const column of columns) {
      const th = h('th', {
        scope: 'col',
        class: (column.numeric ? 'num ' : '') + (column.headClass || ''),
        dataset: { col: column.col },
        title: column.title || null,
      });
      let indicator = null;
      if (onSort && column.key) {
        indicator = h('span', { class: 'sort-ind', 'aria-hidden': 'true' });
        th.appendChild(h('button', { type: 'button', class: 'th-btn', on: { click: () => onSort(column) } },
          column.label, indicator));
      } else {
        th.textContent = column.label;
      }
      this.heads.push({ column, th, indicator });
      headRow.appendChild(th);
    }
    this.markSort(sort);

    this.tbody = h('tbody');
    this.topSpacer = this.spacer();
    this.bottomSpacer = this.spacer();
    this.table = h('table', {
      class: `report report-${view} vtable`,
      role: 'grid',
      'aria-readonly': 'true',
      'aria-rowcount': String(this.rows.length + 1),
      dataset: { view, rows: String(this.rows.length) },
    }, colgroup, h('thead', null, headRow), this.tbody);
    this.table.style.minWidth = `calc(${fixedChars + NAME_MIN_CHARS}ch + ${fixedPx + 22}px)`;
    this.empty = h('p', { class: 'no-rows', hidden: true });
    this.element = h('div', { class: 'table-wrap', dataset: { scroll: view } }, this.table, this.empty);

    this.tbody.addEventListener('click', (event) => {
      const tr = event.target.closest('tr[data-name]');
      if (!tr || !opts.onActivate) return;
      this.select(tr.dataset.name, { scroll: false, index: Number(tr.dataset.index) });
      opts.onActivate(tr.dataset.name);
    });
    this.element.addEventListener('scroll', () => this.renderWindow());
  }

  /** The header's sort marks. */
  markSort(sort) {
    for (const { column, th, indicator } of this.heads) {
      const active = sort && sort.col === column.col;
      if (active) th.setAttribute('aria-sort', sort.dir === 'asc' ? 'ascending' : 'descending');
      else th.removeAttribute('aria-sort');
      if (indicator) indicator.textContent = active ? (sort.dir === 'asc' ? '▲' : '▼') : '';
    }
  }

  /** Reorders the rows (an index sort; only the rows in view are rendered again). */
  setSort(sort) {
    this.opts.sort = sort;
    this.sorted = sortedIndexes(this.rows, this.columns, sort);
    this.markSort(sort);
    this.applySearch(this.matcher, true);
  }

  spacer() {
    const td = h('td', { colspan: String(this.columns.length) });
    return h('tr', { class: 'vt-spacer', 'aria-hidden': 'true' }, td);
  }

  /** Renders the rows in view; call once the table is in the document. */
  mount(scrollTop = 0) {
    this.range = [-1, -1];
    this.renderWindow();
    this.measure();
    if (scrollTop) {
      this.element.scrollTop = scrollTop;
      this.renderWindow();
    }
  }

  /** Reads the real row height (CSS fixes it; fonts can still round it). */
  measure() {
    const tr = this.tbody.querySelector('tr[data-name]');
    if (!tr) return;
    const height = tr.getBoundingClientRect().height;
    if (height > 0 && Math.abs(height - this.rowHeight) > 0.01) {
      this.rowHeight = height;
      this.range = [-1, -1];
      this.renderWindow();
    }
  }

  get virtual() {
    return this.order.length > FULL_RENDER_ROWS;
  }

  /** The range of `order` positions to render for the current scroll position: the visible
   *  rows plus OVERSCAN on each side. While the visible rows stay at least OVERSCAN / 4 inside
   *  the rendered range, that range is kept (no DOM work while scrolling a little). */
  windowRange() {
    const n = this.order.length;
    if (!this.virtual) return [0, n];
    const wrap = this.element;
    const view = wrap.clientHeight || 800;
    const visFirst = Math.floor(wrap.scrollTop / this.rowHeight);
    const visLast = Math.ceil((wrap.scrollTop + view) / this.rowHeight);
    const [first, last] = this.range;
    const slack = OVERSCAN / 4;
    if (first >= 0 && last <= n && (first === 0 || visFirst - first >= slack) && (last === n || last - visLast >= slack)) {
      return [first, last];
    }
    return [Math.max(0, visFirst - OVERSCAN), Math.min(n, visLast + OVERSCAN)];
  }

  renderWindow(force = false) {
    const [first, last] = this.windowRange();
    if (!force && first === this.range[0] && last === this.range[1]) return;
    this.range = [first, last];
    const { columns, rows, order, opts } = this;
    const frag = document.createDocumentFragment();
    if (first > 0) {
      this.topSpacer.firstChild.style.height = `${first * this.rowHeight}px`;
      frag.appendChild(this.topSpacer);
    }
    for (let pos = first; pos < last; pos++) {
      const index = order[pos];
      const row = rows[index];
      const tr = document.createElement('tr');
      tr.dataset.name = row.name;
      tr.dataset.index = String(pos);
      tr.setAttribute('aria-rowindex', String(pos + 2));
      if (pos % 2 === 1) tr.className = 'odd';
      for (const column of columns) {
        const td = document.createElement('td');
        td.dataset.col = column.col;
        if (column.numeric) td.className = 'num';
        td.textContent = column.text(row);
        if (column.cell) column.cell(td, row);
        tr.appendChild(td);
      }
      if (opts.row) opts.row(tr, row, index);
      frag.appendChild(tr);
    }
    if (last < order.length) {
      this.bottomSpacer.firstChild.style.height = `${(order.length - last) * this.rowHeight}px`;
      frag.appendChild(this.bottomSpacer);
    }
    clear(this.tbody);
    this.tbody.appendChild(frag);
    this.table.dataset.first = String(first);
    this.table.dataset.last = String(last);
    this.markSelected();
  }

  /** Position (in the displayed order) of the selected row, or -1. */
  selectedPosition() {
    if (this.selected === null) return -1;
    if (this.selectedPos !== undefined && this.selectedPos >= 0 && this.selectedPos < this.order.length
      && this.rows[this.order[this.selectedPos]].name === this.selected) {
      return this.selectedPos;
    }
    for (let pos = 0; pos < this.order.length; pos++) {
      if (this.rows[this.order[pos]].name === this.selected) return pos;
    }
    return -1;
  }

  markSelected() {
    const pos = this.selectedPosition();
    this.selectedPos = pos;
    for (const tr of this.tbody.querySelectorAll('tr[data-selected]')) {
      tr.removeAttribute('data-selected');
      tr.removeAttribute('aria-selected');
    }
    if (pos < 0) return;
    const tr = this.tbody.querySelector(`tr[data-index="${pos}"]`);
    if (tr) {
      tr.dataset.selected = 'true';
      tr.setAttribute('aria-selected', 'true');
    }
  }

  /** Selects the row named `name` (null: none); scrolls it into view unless `scroll` is false. */
  select(name, { scroll = true, index } = {}) {
    this.selected = name;
    this.selectedPos = index;
    this.markSelected();
    if (scroll && this.selectedPos >= 0) this.scrollToPosition(this.selectedPos);
  }

  /** Moves the selection by `delta` rows in the displayed order; returns the new name. */
  move(delta) {
    const n = this.order.length;
    if (n === 0) return null;
    const pos = this.selectedPosition();
    const next = pos < 0 ? (delta > 0 ? 0 : n - 1) : Math.max(0, Math.min(n - 1, pos + delta));
    this.select(this.rows[this.order[next]].name, { index: next });
    return this.selected;
  }

  scrollToPosition(pos) {
    const wrap = this.element;
    const head = this.table.tHead ? this.table.tHead.getBoundingClientRect().height : 0;
    const top = pos * this.rowHeight;
    const view = wrap.clientHeight - head;
    if (top < wrap.scrollTop) wrap.scrollTop = top;
    else if (top + this.rowHeight > wrap.scrollTop + view) wrap.scrollTop = top + this.rowHeight - view;
    this.renderWindow();
  }

  /** Keeps only the rows whose name matches (display only; the report is unchanged). */
  applySearch(matcher, render = true) {
    this.matcher = matcher;
    this.order = matcher ? this.sorted.filter((i) => matcher(this.rows[i].name)) : this.sorted;
    this.table.dataset.shown = String(this.order.length);
    this.table.classList.toggle('searching', Boolean(matcher));
    const { opts } = this;
    if (this.rows.length === 0) {
      this.empty.textContent = opts.emptyText || 'No rows: every node was filtered out or fell below the node fraction.';
      this.empty.hidden = false;
    } else if (this.order.length === 0) {
      this.empty.textContent = 'No row matches the search.';
      this.empty.hidden = false;
    } else {
      this.empty.hidden = true;
    }
    if (render) {
      this.element.scrollTop = 0;
      this.range = [-1, -1];
      this.renderWindow();
    }
  }
}

/** The report's header lines without its filter lines (the filter chips show those). */
export function notesWithoutFilters(lines) {
  const out = [];
  let inFilters = false;
  for (const line of lines || []) {
    if (/^Active filters/.test(line)) { inFilters = true; continue; }
    if (inFilters && /^\s/.test(line)) continue;
    inFilters = false;
    out.push(line);
  }
  return out;
}

/** The report's own header lines and warnings. */
export function reportNotes(lines, warnings) {
  const out = [];
  if (lines && lines.length) {
    out.push(h('ul', { class: 'report-lines' }, lines.map((l) => h('li', null, l))));
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

/** Puts a report's rows into `container` as a ReportTable with the view context's sort,
 *  selection and search, or, in text mode, the report's text; returns the table (null in
 *  text mode). `row(tr, r)` adds per-row attributes. */
export function mountReportTable(container, columns, report, ctx, row) {
  if (ctx.showText) {
    container.appendChild(reportText(ctx.view, report.text));
    return null;
  }
  const table = new ReportTable(columns, {
    view: ctx.view,
    rows: report.rows,
    sort: ctx.sort,
    onSort: ctx.onSort,
    onActivate: ctx.onActivate,
    selected: ctx.selected,
    search: ctx.search,
    row,
  });
  container.appendChild(table.element);
  return table;
}

/** A view instance (the interface of views/index.js) around `mount(container, report, ctx)`,
 *  which puts a report on screen as a ReportTable or PathsTree, or as text (then it returns
 *  null). The tables keep their own sort, selection and search; this routes the page's
 *  changes to them. */
export function controllerView(ctx, mount) {
  let controller = null;
  return {
    render(report, view) {
      controller = report ? mount(ctx.container, report, { ...ctx, ...view }) : null;
      if (controller) {
        controller.mount(view.scrollTop);
      } else {
        const wrap = ctx.container.querySelector('.table-wrap');
        if (wrap && view.scrollTop) wrap.scrollTop = view.scrollTop;
      }
    },
    update(change) {
      if (!controller) return;
      if ('search' in change) controller.applySearch(change.search);
      if ('sort' in change && controller.setSort) controller.setSort(change.sort);
      if ('selected' in change) controller.select(change.selected, { scroll: change.scroll !== false });
    },
    move(delta) {
      return controller ? controller.move(delta) : null;
    },
    dispose() {
      controller = null;
    },
  };
}

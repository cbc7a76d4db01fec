// Paths: the ranked call paths folded into a tree of shared prefixes (depth-first, as the report
// orders them). A node with children folds and unfolds with its disclosure triangle; a click
// elsewhere on a line selects the function. #N marks the line where ranked path N ends.
import { h } from '../dom.js';
import { controllerView, notesWithoutFilters, reportNotes, reportText } from './table.js';
import { signClass, totalsBanner } from './compare-table.js';

const COLUMNS = [
  { col: 'delta', label: 'Δ', text: (n) => n.deltaText, sign: (n) => n.delta, title: 'B − A of the samples through this line' },
  { col: 'a', label: 'A', text: (n) => n.aText },
  { col: 'b', label: 'B', text: (n) => n.bText },
];

function textSign(text) {
  return text.startsWith('-') ? -1 : text.startsWith('+') ? 1 : 0;
}

/** Renders a PathsReport; returns its PathsTree (null in text mode).
 *  ctx: { view, labels, showText, onActivate, selected, search } */
export function renderPaths(container, report, ctx) {
  const lines = notesWithoutFilters(report.lines).filter((l) => !/^(A|B): |^Δtotal: /.test(l));
  const tree = ctx.showText ? null : new PathsTree(report.nodes, ctx);
  const tools = tree ? h('div', { class: 'paths-tools' },
    h('button', { type: 'button', class: 'link-btn', id: 'paths-expand', on: { click: () => tree.setAll(true) } }, 'Expand all'),
    h('button', { type: 'button', class: 'link-btn', id: 'paths-collapse', on: { click: () => tree.setAll(false) } }, 'Collapse all')) : null;
  container.appendChild(h('div', { class: 'view-head' },
    totalsBanner(report, ctx.labels, textSign(report.deltaTotalText)),
    h('div', { class: 'subhead' }, reportNotes(lines, report.warnings), tools)));
  if (ctx.showText) {
    container.appendChild(reportText(ctx.view, report.text));
    return null;
  }
  container.appendChild(tree.element);
  return tree;
}

/** The Paths view (the view interface: views/index.js, www/README.md). */
export const paths = {
  id: 'paths',
  title: 'Paths',
  slots: ['a', 'b'],
  controls: ['paths', 'pair'],
  fetch: (client, opts) => client.call('paths', [opts]),
  exportText: (client, opts, format) => client.call('exportPaths', [opts, format]),
  create: (ctx) => controllerView(ctx, renderPaths),
};

/** The paths tree. Same selection and search interface as ReportTable. */
export class PathsTree {
  constructor(nodes, ctx) {
    this.nodes = nodes;
    this.ctx = ctx;
    this.selected = ctx.selected || null;
    this.selectedPos = -1;
    this.matcher = null;
    this.collapsed = new Set(); // indexes of folded nodes
    this.build();
    this.applySearch(ctx.search || null);
  }

  build() {
    const { nodes } = this;
    this.trs = [];
    const tbody = h('tbody');
    nodes.forEach((n, i) => {
      const hasChildren = i + 1 < nodes.length && nodes[i + 1].depth > n.depth;
      const ranked = n.rank !== null && n.rank !== undefined;
      const tr = h('tr', {
        dataset: { name: n.name, depth: String(n.depth), index: String(i), rank: ranked ? String(n.rank) : null },
        'aria-level': String(n.depth + 1),
        'aria-expanded': hasChildren ? 'true' : null,
        class: [hasChildren ? 'has-children' : '', ranked ? 'ranked' : ''].join(' ').trim() || null,
      });
      for (const c of COLUMNS) {
        const td = h('td', { class: 'num', dataset: { col: c.col } });
        td.textContent = c.text(n);
        if (c.sign) td.classList.add(signClass(c.sign(n)));
        tr.appendChild(td);
      }
      const rank = h('td', { class: 'rank num', dataset: { col: 'rank' } });
      rank.textContent = ranked ? `#${n.rank}` : '';
      tr.appendChild(rank);
      // The disclosure button has no text (the triangle is CSS), so the cell's text stays the name.
      const name = h('td', { class: 'tree-name', dataset: { col: 'name' }, title: n.name },
        hasChildren
          ? h('button', { type: 'button', class: 'disclosure', 'aria-label': 'Collapse', tabindex: '-1' })
          : h('span', { class: 'disclosure-pad', 'aria-hidden': 'true' }),
        h('span', { class: 'fn' }, n.name));
      name.style.setProperty('--depth', String(n.depth));
      tr.appendChild(name);
      this.trs.push(tr);
      tbody.appendChild(tr);
    });
    tbody.addEventListener('click', (event) => {
      const tr = event.target.closest('tr[data-name]');
      if (!tr) return;
      const i = Number(tr.dataset.index);
      if (event.target.closest('.disclosure')) {
        this.toggle(i);
        return;
      }
      this.select(tr.dataset.name, { scroll: false, index: i });
      if (this.ctx.onActivate) this.ctx.onActivate(tr.dataset.name);
    });
    const head = h('tr', null,
      COLUMNS.map((c) => h('th', { scope: 'col', class: 'num', dataset: { col: c.col }, title: c.title || null }, c.label)),
      h('th', { scope: 'col', class: 'num', dataset: { col: 'rank' }, title: '#N: ranked path N ends on this line' }, 'rank'),
      h('th', { scope: 'col', class: 'name-col', dataset: { col: 'name' } }, 'path'));
    this.table = h('table', {
      class: 'report report-paths', role: 'treegrid', 'aria-readonly': 'true',
      dataset: { view: 'paths', rows: String(nodes.length) },
    }, h('thead', null, head), tbody);
    this.empty = h('p', { class: 'no-rows', hidden: true });
    this.element = h('div', { class: 'table-wrap', dataset: { scroll: 'paths' } }, this.table, this.empty);
  }

  mount(scrollTop = 0) {
    this.markSelected();
    if (scrollTop) this.element.scrollTop = scrollTop;
  }

  /** Shows each line unless an ancestor is folded or the search hides it. With a search, a
   *  line shows when it or a descendant matches (so matches keep their path). */
  updateVisibility() {
    const { nodes, trs, matcher } = this;
    const keep = new Array(nodes.length).fill(!matcher);
    if (matcher) {
      const stack = []; // indexes of the current ancestors
      for (let i = 0; i < nodes.length; i++) {
        while (stack.length && nodes[stack[stack.length - 1]].depth >= nodes[i].depth) stack.pop();
        if (matcher(nodes[i].name)) {
          keep[i] = true;
          for (const j of stack) keep[j] = true;
        }
        stack.push(i);
      }
    }
    let foldedBelow = Infinity; // depth under which lines are folded away
    let shown = 0;
    for (let i = 0; i < nodes.length; i++) {
      const d = nodes[i].depth;
      if (d <= foldedBelow) foldedBelow = Infinity;
      const visible = keep[i] && d <= foldedBelow;
      trs[i].hidden = !visible;
      if (visible) shown++;
      if (trs[i].hasAttribute('data-match')) trs[i].removeAttribute('data-match');
      if (matcher && matcher(nodes[i].name)) trs[i].dataset.match = 'true';
      if (this.collapsed.has(i) && foldedBelow === Infinity) foldedBelow = d;
    }
    this.table.dataset.shown = String(shown);
    if (nodes.length === 0) {
      this.empty.textContent = 'No paths: nothing changed between A and B under these filters.';
      this.empty.hidden = false;
    } else if (shown === 0) {
      this.empty.textContent = 'No line matches the search.';
      this.empty.hidden = false;
    } else {
      this.empty.hidden = true;
    }
  }

  toggle(i, expand) {
    const tr = this.trs[i];
    if (!tr.classList.contains('has-children')) return;
    const open = expand === undefined ? this.collapsed.has(i) : expand;
    if (open) this.collapsed.delete(i);
    else this.collapsed.add(i);
    tr.setAttribute('aria-expanded', open ? 'true' : 'false');
    tr.querySelector('.disclosure').setAttribute('aria-label', open ? 'Collapse' : 'Expand');
    this.updateVisibility();
  }

  setAll(open) {
    this.trs.forEach((tr, i) => {
      if (!tr.classList.contains('has-children')) return;
      if (open) this.collapsed.delete(i);
      else this.collapsed.add(i);
      tr.setAttribute('aria-expanded', open ? 'true' : 'false');
      tr.querySelector('.disclosure').setAttribute('aria-label', open ? 'Collapse' : 'Expand');
    });
    this.updateVisibility();
  }

  applySearch(matcher) {
    this.matcher = matcher;
    this.updateVisibility();
  }

  /** Visible line indexes, top to bottom. */
  visible() {
    const out = [];
    this.trs.forEach((tr, i) => { if (!tr.hidden) out.push(i); });
    return out;
  }

  selectedIndex() {
    if (this.selected === null) return -1;
    const tr = this.trs[this.selectedPos];
    if (tr && tr.dataset.name === this.selected) return this.selectedPos;
    return this.trs.findIndex((t) => t.dataset.name === this.selected);
  }

  markSelected() {
    const i = this.selectedIndex();
    this.selectedPos = i;
    for (const tr of this.table.querySelectorAll('tr[data-selected]')) {
      tr.removeAttribute('data-selected');
      tr.removeAttribute('aria-selected');
    }
    if (i >= 0) {
      this.trs[i].dataset.selected = 'true';
      this.trs[i].setAttribute('aria-selected', 'true');
    }
    return i;
  }

  select(name, { scroll = true, index } = {}) {
    this.selected = name;
    this.selectedPos = index === undefined ? -1 : index;
    const i = this.markSelected();
    if (scroll && i >= 0 && !this.trs[i].hidden) this.trs[i].scrollIntoView({ block: 'nearest' });
  }

  move(delta) {
    const vis = this.visible();
    if (vis.length === 0) return null;
    const at = vis.indexOf(this.selectedIndex());
    const next = at < 0 ? (delta > 0 ? 0 : vis.length - 1) : Math.max(0, Math.min(vis.length - 1, at + delta));
    const i = vis[next];
    this.select(this.nodes[i].name, { index: i });
    return this.selected;
  }
}

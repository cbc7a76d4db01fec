// Paths: the ranked call paths folded into a tree of shared prefixes (depth-first, as the report
// orders them). A row with children folds and unfolds on click.
import { h } from '../dom.js';
import { reportNotes, reportText } from './table.js';
import { signClass, totalsBanner } from './compare-table.js';

const COLUMNS = [
  { col: 'delta', label: 'Δ', text: (n) => n.deltaText, sign: (n) => n.delta },
  { col: 'a', label: 'A', text: (n) => n.aText },
  { col: 'b', label: 'B', text: (n) => n.bText },
];

function textSign(text) {
  return text.startsWith('-') ? -1 : text.startsWith('+') ? 1 : 0;
}

/** Renders a PathsReport. ctx: { view, labels, showText } */
export function renderPaths(container, report, ctx) {
  const lines = (report.lines || []).filter((l) => !/^(A|B): |^Δtotal: /.test(l));
  container.appendChild(h('div', { class: 'view-head' },
    totalsBanner(report, ctx.labels, textSign(report.deltaTotalText)),
    reportNotes(lines, report.warnings, report.activeFilters)));
  if (ctx.showText) {
    container.appendChild(reportText(ctx.view, report.text));
    return;
  }
  const nodes = report.nodes;
  const tbody = h('tbody');
  nodes.forEach((n, i) => {
    const hasChildren = i + 1 < nodes.length && nodes[i + 1].depth > n.depth;
    const tr = h('tr', {
      dataset: { name: n.name, depth: String(n.depth) },
      'aria-level': String(n.depth + 1),
      'aria-expanded': hasChildren ? 'true' : null,
      class: hasChildren ? 'has-children' : null,
    });
    for (const c of COLUMNS) {
      const td = h('td', { class: 'num', dataset: { col: c.col } });
      td.textContent = c.text(n);
      if (c.sign) td.classList.add(signClass(c.sign(n)));
      tr.appendChild(td);
    }
    const rank = h('td', { class: 'rank num', dataset: { col: 'rank' } });
    rank.textContent = n.rank === null || n.rank === undefined ? '' : `#${n.rank}`;
    tr.appendChild(rank);
    const name = h('td', { class: 'tree-name', dataset: { col: 'name' }, title: n.name });
    name.style.setProperty('--depth', String(n.depth));
    name.textContent = n.name;
    tr.appendChild(name);
    tbody.appendChild(tr);
  });
  tbody.addEventListener('click', (event) => {
    const tr = event.target.closest('tr.has-children');
    if (tr) toggle(tr);
  });
  const head = h('tr', null,
    COLUMNS.map((c) => h('th', { scope: 'col', class: 'num', dataset: { col: c.col } }, c.label)),
    h('th', { scope: 'col', class: 'num', dataset: { col: 'rank' }, title: '#N: ranked path N ends here' }, 'rank'),
    h('th', { scope: 'col', class: 'name-col', dataset: { col: 'name' } }, 'path'));
  const table = h('table', { class: 'report report-paths', role: 'treegrid', dataset: { view: 'paths', rows: String(nodes.length) } },
    h('thead', null, head), tbody);
  container.appendChild(h('div', { class: 'table-wrap' }, table));
}

// Folds or unfolds the rows below `tr` (those deeper than it, up to the next sibling).
function toggle(tr) {
  const expanded = tr.getAttribute('aria-expanded') !== 'false';
  tr.setAttribute('aria-expanded', expanded ? 'false' : 'true');
  const depth = Number(tr.dataset.depth);
  let hiddenBelow = Infinity; // depth under which rows stay folded when unfolding
  for (let row = tr.nextElementSibling; row; row = row.nextElementSibling) {
    const d = Number(row.dataset.depth);
    if (d <= depth) break;
    if (expanded) {
      row.hidden = true;
    } else {
      if (d > hiddenBelow) { row.hidden = true; continue; }
      hiddenBelow = Infinity;
      row.hidden = false;
      if (row.getAttribute('aria-expanded') === 'false') hiddenBelow = d;
    }
  }
}

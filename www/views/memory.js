// Memory: the runtime.MemStats a Go heap profile carries when it is saved at debug=1, for A and B
// side by side. Per side a stacked bar shows where the memory the runtime took from the OS
// (Sys) went, beside the peak RSS when the text has it, and how much of HeapAlloc the heap
// profile's inuse_space accounts for; below, every field with A, B and Δ. Every number and
// string comes from the core (Session.memstats); this module only lays them out.
import { h } from '../dom.js';

/** Why resident memory exceeds the heap profile, in a few plain sentences. */
const EXPLANATION = [
  'A heap profile counts the live objects sampled at the last garbage collection: it is a part of HeapAlloc, which also holds objects allocated since.',
  'The process holds more than its objects: spans that are in use but only partly filled, idle spans the runtime keeps for reuse until the scavenger returns them, goroutine stacks, and the collector\'s own metadata.',
  'Resident memory (RSS) above the heap profile usually comes from heap idle that is not yet released (a recent peak), GC metadata (which grows with the heap), many or deep goroutines, or memory outside the Go heap (cgo, mmap) that MemStats does not see at all.',
];

/** The Memory view (the view interface: views/index.js, www/README.md). */
export const memory = {
  id: 'memory',
  title: 'Memory',
  slots: ['a', 'b'],
  enabled: (loaded) => loaded.a || loaded.b,
  controls: [],
  fetch: (client) => client.call('memstats', []),
  exportText: (client, opts, format) => client.call('exportMemstats', [format]),
  create: (ctx) => memoryView(ctx),
};

function memoryView(ctx) {
  return {
    render(report) {
      if (report) ctx.container.appendChild(renderMemory(report));
    },
    update() {},
    dispose() {},
  };
}

function renderMemory(report) {
  const sides = [['a', report.a], ['b', report.b]].filter(([, side]) => side);
  const root = h('div', { class: 'memory-view' });
  if (sides.length === 0) {
    root.appendChild(h('p', { id: 'memory-none', class: 'view-note' },
      'No runtime.MemStats: Go prints them at the end of a heap profile saved with ?debug=1 ' +
      '(/debug/pprof/heap?debug=1). Drop such a text to see where the memory went.'));
    return root;
  }
  // One scale for both bars: the largest of Sys and MaxRSS on either side.
  const scale = Math.max(1, ...sides.flatMap(([, s]) => [s.sys || 0, s.maxRss || 0]));
  const head = h('div', { class: 'view-head' });
  for (const [slot, side] of sides) head.appendChild(memoryBar(slot, side, scale));
  head.appendChild(legend(report));
  head.appendChild(h('div', { class: 'memory-explain' }, EXPLANATION.map((t) => h('p', null, t))));
  root.appendChild(head);
  root.appendChild(fieldTable(report));
  return root;
}

/** One side: a bar of the parts of Sys, a marker at MaxRSS, and the heap profile's share. */
function memoryBar(slot, side, scale) {
  const pct = (bytes) => `${Math.max(0, (bytes * 100) / scale).toFixed(3)}%`;
  const bar = h('div', { class: 'mem-bar', dataset: { side: slot }, role: 'img',
    'aria-label': `${slot.toUpperCase()}: Sys ${side.sysText}` });
  for (const part of side.parts) {
    if (part.bytes <= 0) continue;
    const seg = h('span', { class: 'mem-seg', dataset: { part: part.key },
      title: `${part.label}: ${part.bytesText}` });
    seg.style.width = pct(part.bytes);
    bar.appendChild(seg);
  }
  if (side.maxRss !== null && side.maxRss !== undefined) {
    const mark = h('span', { class: 'mem-rss', title: `MaxRSS (peak resident memory): ${side.maxRssText}` });
    mark.style.left = pct(side.maxRss);
    bar.appendChild(mark);
  }
  const facts = [
    h('span', { class: 'banner-item' }, h('span', { class: 'k' }, 'Sys '),
      h('span', { class: 'v', dataset: { field: `sys-${slot}` } }, side.sysText)),
  ];
  if (side.maxRssText) {
    facts.push(h('span', { class: 'banner-item' }, h('span', { class: 'k' }, 'MaxRSS '),
      h('span', { class: 'v', dataset: { field: `max-rss-${slot}` } }, side.maxRssText)));
  }
  if (side.profileShareText) {
    facts.push(h('span', { class: 'banner-item', dataset: { field: `profile-share-${slot}` } },
      `heap profile inuse_space ${side.profileInuseText} = ${side.profileShareText} of HeapAlloc ${side.heapAllocText}`));
  }
  return h('div', { class: 'mem-side' },
    h('div', { class: 'banner' },
      h('span', { class: `slot-chip slot-chip-${slot}` }, slot.toUpperCase()),
      h('span', { class: 'banner-label' }, side.files.join(' ')),
      facts),
    bar);
}

/** The parts' colours with what each part is. */
function legend(report) {
  const list = h('ul', { class: 'mem-legend' });
  for (const note of report.notes) {
    list.appendChild(h('li', { dataset: { part: note.key } },
      h('span', { class: 'mem-swatch mem-seg', dataset: { part: note.key } }), note.text));
  }
  return list;
}

/** Every MemStats field: A, B and Δ as the CLI prints them. */
function fieldTable(report) {
  const head = h('thead', null, h('tr', null,
    h('th', null, 'field'), h('th', { class: 'num' }, 'A'), h('th', { class: 'num' }, 'B'),
    h('th', { class: 'num' }, 'Δ')));
  const body = h('tbody');
  report.rows.forEach((r, i) => {
    const sign = r.deltaText.startsWith('-') ? 'down' : r.deltaText.startsWith('+') ? 'up' : '';
    body.appendChild(h('tr', { dataset: { name: r.name }, class: i % 2 ? 'odd' : null },
      h('td', { dataset: { col: 'name' } }, r.name),
      h('td', { class: 'num', dataset: { col: 'a' } }, r.aText),
      h('td', { class: 'num', dataset: { col: 'b' } }, r.bText),
      h('td', { class: `num ${sign}`.trim(), dataset: { col: 'delta' } }, r.deltaText)));
  });
  return h('div', { class: 'table-wrap' },
    h('table', { class: 'report report-memory', dataset: { view: 'memory', rows: String(report.rows.length) } },
      head, body));
}

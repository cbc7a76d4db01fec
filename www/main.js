// The page: two slots (A baseline, B new), the shared controls and filters, the views, the
// callers/callees panel, exports, keyboard and the state in the URL fragment. Every number shown
// comes from the Rust core through the worker; this file routes requests and replies.
import { h, clear, setText, $, $$ } from './dom.js';
import { WorkerClient } from './client.js';
import { nextSort, searchMatcher } from './views/table.js';
import { renderTop } from './views/top-table.js';
import { renderCompare } from './views/compare-table.js';
import { renderPaths } from './views/paths.js';
import { renderPeek } from './views/peek.js';
import { FILTERS, formatHash, parseHash } from './hash.js';

const SLOTS = ['a', 'b'];
const VIEWS = ['top-a', 'top-b', 'compare', 'paths'];
const VIEW_NAMES = { 'top-a': 'Top A', 'top-b': 'Top B', compare: 'Compare', paths: 'Paths' };
const FORMAT_NAMES = { text: 'text', markdown: 'Markdown', csv: 'CSV', json: 'JSON' };
const THEMES = ['auto', 'dark', 'light'];
const STAGE_TEXT = {
  reading: 'Reading',
  inflating: 'Inflating',
  decoding: 'Decoding',
  resolving: 'Resolving',
  merging: 'Merging',
  aggregating: 'Aggregating',
};

const state = {
  slots: { a: null, b: null }, // SlotSummary or null
  labels: { a: '', b: '' },
  errors: { a: null, b: null }, // {name, message} of the last failed load
  loading: { a: false, b: false }, // a load into the slot is running
  view: null, // one of VIEWS, or null when nothing is loaded
  sampleIndex: '', // '' = each profile's default type
  report: null, // { view, data } for the view on screen
  viewError: null,
  sorts: {}, // view → { col, dir } or absent (the report's own order)
  showText: false,
  filters: Object.fromEntries(Object.keys(FILTERS).map((k) => [k, ''])), // applied filters
  selected: null, // the selected function's name
  search: '', // quick search (display only)
  peek: { open: false, name: null, history: [], report: null, error: null },
  example: false, // the slots hold the bundled example
};

let client = null;
let busy = 0; // worker operations in flight
let generation = 0; // the newest view request; older replies are dropped
let peekGeneration = 0;
let controller = null; // the ReportTable or PathsTree on screen
let renderedView = null; // the view whose table is on screen (to keep its scroll position)
let pending = null; // fragment state that waits for profiles: { view, si, sel, cs }
let lastHash = null; // the fragment this page wrote last
const emptyNode = $('#empty');

// ---------------------------------------------------------------------------------------------
// Busy state: body[data-state] is "loading" while any call runs, "ready" once the view has been
// rendered after the last one.

function begin() {
  busy++;
  document.body.dataset.state = 'loading';
}

function end() {
  busy--;
  if (busy === 0) {
    hideProgress();
    document.body.dataset.state = 'ready';
  }
}

async function run(fn) {
  begin();
  try {
    await fn();
  } catch (e) {
    // Unexpected failures (a worker that died) land in the view area.
    state.viewError = toPlainError(e);
    state.report = null;
    renderView();
  } finally {
    end();
  }
}

function toPlainError(e) {
  return { name: (e && e.name) || 'Error', message: (e && e.message) || String(e) };
}

// ---------------------------------------------------------------------------------------------
// Progress

const progressEl = $('#progress');

function showProgress(stage, detail) {
  progressEl.hidden = false;
  progressEl.dataset.stage = stage;
  const steps = $$('.progress-steps li', progressEl);
  const current = steps.findIndex((li) => li.dataset.step === stage);
  steps.forEach((li, i) => {
    li.classList.toggle('done', current >= 0 && i < current);
    li.classList.toggle('current', i === current);
  });
  setText($('#progress-text'), `${STAGE_TEXT[stage] || stage}${detail ? ' ' + detail : ''}…`);
}

function hideProgress() {
  progressEl.hidden = true;
  delete progressEl.dataset.stage;
}

/** Progress of a load. For a pair each file is decoded on its own (fileCount 1), so the file
 *  cannot be named from the index. */
function loadProgress(names, { pair = false } = {}) {
  return (stage, fileIndex, fileCount) => {
    const name = pair ? '' : names[fileIndex] !== undefined ? names[fileIndex] : '';
    const of = fileCount > 1 ? ` (${fileIndex + 1}/${fileCount})` : '';
    showProgress(stage, `${name}${of}`);
  };
}

// ---------------------------------------------------------------------------------------------
// Loading

async function readFiles(files) {
  showProgress('reading', files.length === 1 ? files[0].name : `${files.length} files`);
  return Promise.all(files.map(async (f) => new Uint8Array(await f.arrayBuffer())));
}

function defaultLabel(summary) {
  const stem = (name) => name.replace(/\.(pb\.gz|pprof|pb|gz|prof)$/i, '');
  const files = summary.files || [];
  if (files.length === 0) return '';
  return files.length === 1 ? stem(files[0]) : `${stem(files[0])} +${files.length - 1}`;
}

function setSlot(slot, summary, { relabel = true } = {}) {
  state.slots[slot] = summary;
  if (relabel) state.labels[slot] = summary ? defaultLabel(summary) : '';
}

/** Marks slots as loading while `fn` runs. */
async function withLoading(slots, fn) {
  for (const slot of slots) state.loading[slot] = true;
  renderChrome();
  try {
    await fn();
  } finally {
    for (const slot of slots) state.loading[slot] = false;
    renderChrome();
  }
}

function readError(names, e) {
  return { name: 'ReadError', message: `${names[0] || 'file'}: reading file: ${e && e.message ? e.message : e}` };
}

/** Loads `files` into one slot (several files merge). */
function loadInto(slot, files) {
  if (files.length === 0) return Promise.resolve();
  return run(() => withLoading([slot], async () => {
    const bothBefore = bothLoaded();
    const names = files.map((f) => f.name);
    let buffers;
    try {
      buffers = await readFiles(files);
    } catch (e) {
      state.errors[slot] = readError(names, e);
      renderChrome();
      return;
    }
    try {
      const summary = await client.call('load', [slot, names, buffers], {
        transfer: buffers.map((b) => b.buffer),
        onProgress: loadProgress(names),
      });
      setSlot(slot, summary);
      state.errors[slot] = null;
      state.example = false;
    } catch (e) {
      // The slot keeps its previous profile, and the view stays as it is.
      state.errors[slot] = toPlainError(e);
      renderChrome();
      return;
    }
    chooseView(bothBefore);
    applyPending();
    await refreshAll();
  }));
}

/** Two files at once: the worker puts the earlier one in A. */
function loadPair(files, errorSlot = 'a') {
  return run(() => withLoading(SLOTS, async () => {
    const names = files.map((f) => f.name);
    let buffers;
    try {
      buffers = await readFiles(files);
    } catch (e) {
      state.errors[errorSlot] = readError(names, e);
      renderChrome();
      return;
    }
    try {
      const pair = await client.call('loadPair', [names, buffers], {
        transfer: buffers.map((b) => b.buffer),
        onProgress: loadProgress(names, { pair: true }),
      });
      setSlot('a', pair.a);
      setSlot('b', pair.b);
      state.errors.a = null;
      state.errors.b = null;
      state.example = false;
    } catch (e) {
      state.errors[errorSlot] = toPlainError(e);
      renderChrome();
      return;
    }
    state.view = 'compare';
    applyPending();
    await refreshAll();
  }));
}

function loadExample() {
  return run(() => withLoading(SLOTS, async () => {
    showProgress('decoding', 'the example');
    const pair = await client.call('loadExample', [], { onProgress: loadProgress([], { pair: true }) });
    setSlot('a', pair.a);
    setSlot('b', pair.b);
    state.errors.a = null;
    state.errors.b = null;
    state.example = true;
    state.view = 'compare';
    applyPending();
    await refreshAll();
  }));
}

function clearSlot(slot) {
  return run(async () => {
    await client.call('clear', [slot]);
    setSlot(slot, null);
    state.errors[slot] = null;
    state.example = false;
    chooseView(bothLoaded());
    if (!state.slots.a && !state.slots.b) closePeek();
    await refreshAll();
  });
}

function swapSlots() {
  if (!(state.slots.a || state.slots.b)) return Promise.resolve();
  return run(async () => {
    const pair = await client.call('swap');
    state.slots.a = pair.a || null;
    state.slots.b = pair.b || null;
    state.labels = { a: state.labels.b, b: state.labels.a };
    state.errors = { a: null, b: null };
    state.example = false;
    if (state.view === 'top-a') state.view = 'top-b';
    else if (state.view === 'top-b') state.view = 'top-a';
    await refreshAll();
  });
}

// ---------------------------------------------------------------------------------------------
// Views

function bothLoaded() {
  return Boolean(state.slots.a && state.slots.b);
}

function anyLoaded() {
  return Boolean(state.slots.a || state.slots.b);
}

function viewValid(view) {
  if (view === 'top-a') return Boolean(state.slots.a);
  if (view === 'top-b') return Boolean(state.slots.b);
  if (view === 'compare' || view === 'paths') return bothLoaded();
  return false;
}

/** Picks the view after slots changed: Compare when the second profile arrives, else the
 *  current view while it still makes sense, else the top of whichever slot is loaded. */
function chooseView(bothBefore) {
  if (bothLoaded() && !bothBefore) {
    state.view = 'compare';
  } else if (!viewValid(state.view)) {
    state.view = state.slots.a ? 'top-a' : state.slots.b ? 'top-b' : null;
  }
}

function intValue(id) {
  const raw = $(id).value.trim();
  const n = Number(raw);
  return raw === '' || !Number.isInteger(n) || n < 0 ? 0 : n;
}

/** The node fraction control, or null for the core's default. */
function nodefraction() {
  const raw = $('#nodefraction').value.trim();
  if (raw === '') return null;
  const n = Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : null;
}

/** The options of the shared controls and the applied filters, in the worker API's shape. */
function currentOptions(view) {
  const opts = {
    sampleIndex: effectiveSampleIndex(view),
    granularity: $('#granularity').value,
    cum: $('#order').value === 'cum',
    nodecount: intValue('#nodecount'),
    noinlines: $('#noinlines').checked,
    rawNames: $('#raw-names').checked,
  };
  for (const [name, option] of Object.entries(FILTERS)) opts[option] = state.filters[name];
  const nf = nodefraction();
  if (nf !== null) opts.nodefraction = nf;
  if (view === 'compare' || view === 'paths') opts.normalize = $('#normalize').checked;
  if (view === 'paths') {
    // Paths rank by Δ and take their own count; order and node count do not apply.
    delete opts.cum;
    delete opts.nodecount;
    opts.topN = Number($('#paths-top').value);
  }
  return opts;
}

/** Options of the callers/callees panel: A and B when both are loaded, else the one there. */
function peekOptions() {
  const opts = currentOptions(bothLoaded() ? 'compare' : state.slots.a ? 'top-a' : 'top-b');
  delete opts.nodecount;
  return opts;
}

/** Asks the worker for the current view's report and renders it. */
async function refreshView() {
  const g = ++generation;
  renderChrome();
  const view = state.view;
  if (!view) {
    state.report = null;
    state.viewError = null;
    renderView();
    return;
  }
  showProgress('aggregating', view === 'top-a' ? 'A' : view === 'top-b' ? 'B' : 'A and B');
  let report = null;
  let error = null;
  try {
    const opts = currentOptions(view);
    if (view === 'top-a' || view === 'top-b') report = await client.call('top', [view.slice(-1), opts]);
    else if (view === 'compare') report = await client.call('compare', [opts]);
    else report = await client.call('paths', [opts]);
  } catch (e) {
    error = toPlainError(e);
  }
  if (g !== generation) return; // a newer request owns the view
  state.report = report ? { view, data: report } : null;
  state.viewError = error;
  renderView();
}

/** The view and, when it is open, the callers/callees panel. */
async function refreshAll() {
  await Promise.all([refreshView(), state.peek.open ? refreshPeek() : null]);
}

function viewContext(view) {
  return {
    view,
    label: view === 'top-a' ? state.labels.a : view === 'top-b' ? state.labels.b : '',
    labels: state.labels,
    sort: state.sorts[view] || null,
    onSort: (column) => {
      const next = nextSort(state.sorts[view] || null, column);
      if (next) state.sorts[view] = next;
      else delete state.sorts[view];
      if (controller && controller.setSort && renderedView === view) controller.setSort(next);
      else renderView();
      writeHash();
    },
    onActivate: (name) => {
      state.selected = name;
      writeHash();
      openPeek(name);
    },
    selected: state.selected,
    search: searchMatcher(state.search),
    showText: state.showText,
  };
}

function renderView() {
  const container = $('#view');
  const oldWrap = container.querySelector('.table-wrap');
  const scrollTop = oldWrap && renderedView === state.view ? oldWrap.scrollTop : 0;
  clear(container);
  controller = null;
  renderedView = null;
  container.dataset.view = state.view || '';
  if (state.viewError) {
    const box = h('div', { class: 'view-error', id: 'view-error', role: 'alert', dataset: { kind: state.viewError.name } });
    box.textContent = state.viewError.message;
    container.appendChild(box);
  }
  if (!state.view) {
    container.appendChild(emptyNode);
    writeHash();
    return;
  }
  const report = state.report;
  if (!report || report.view !== state.view) {
    writeHash();
    return;
  }
  const ctx = viewContext(report.view);
  if (report.view === 'top-a' || report.view === 'top-b') controller = renderTop(container, report.data, ctx);
  else if (report.view === 'compare') controller = renderCompare(container, report.data, ctx);
  else controller = renderPaths(container, report.data, ctx);
  renderedView = state.view;
  if (controller) controller.mount(scrollTop);
  else {
    const wrap = container.querySelector('.table-wrap');
    if (wrap && scrollTop) wrap.scrollTop = scrollTop;
  }
  writeHash();
}

// ---------------------------------------------------------------------------------------------
// Selection and the callers/callees panel

/** Selects `name` in the table on screen (scrolling to it) and in the URL. */
function selectName(name, { scroll = true } = {}) {
  state.selected = name;
  if (controller) controller.select(name, { scroll });
  writeHash();
}

function moveSelection(delta) {
  if (!controller) return;
  const name = controller.move(delta);
  if (name === null) return;
  state.selected = name;
  writeHash();
  if (state.peek.open && state.peek.name !== name) openPeek(name, { push: false });
}

/** Opens the panel on `name`; `push` keeps the current function for Back. */
function openPeek(name, { push = true } = {}) {
  if (!anyLoaded() || !name) return Promise.resolve();
  const p = state.peek;
  if (!p.open) p.history = [];
  else if (push && p.name && p.name !== name) p.history.push(p.name);
  if (!p.open || p.name !== name) {
    p.report = null;
    p.error = null;
  }
  p.open = true;
  p.name = name;
  renderPeekPanel();
  return run(refreshPeek);
}

async function refreshPeek() {
  const p = state.peek;
  if (!p.open) return;
  if (!anyLoaded()) {
    closePeek();
    return;
  }
  const g = ++peekGeneration;
  const name = p.name;
  let report = null;
  let error = null;
  try {
    report = await client.call('peek', [name, peekOptions()]);
  } catch (e) {
    error = toPlainError(e);
  }
  if (g !== peekGeneration || !p.open) return;
  p.report = report;
  p.error = error;
  renderPeekPanel();
}

function peekBack() {
  const p = state.peek;
  if (!p.open || p.history.length === 0) return;
  const name = p.history.pop();
  p.name = name;
  p.report = null;
  selectName(name);
  renderPeekPanel();
  run(refreshPeek);
}

function closePeek() {
  const p = state.peek;
  const hadFocus = $('#peek').contains(document.activeElement);
  p.open = false;
  p.history = [];
  p.report = null;
  p.error = null;
  peekGeneration++;
  renderPeekPanel();
  if (hadFocus) $('#view').focus();
}

function renderPeekPanel() {
  const aside = $('#peek');
  const p = state.peek;
  aside.hidden = !p.open;
  document.body.classList.toggle('peek-open', p.open);
  if (!p.open) {
    clear(aside);
    aside.dataset.name = '';
    return;
  }
  renderPeek(aside, p.report, p.error, {
    name: p.name,
    canBack: p.history.length > 0,
    onBack: peekBack,
    onClose: closePeek,
    onNavigate: (name) => {
      selectName(name);
      openPeek(name);
    },
    onFocusPaths: focusPathsOn,
    pair: bothLoaded(),
    labels: state.labels,
  });
}

/** Regexp metacharacters escaped, so the name matches itself. */
function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function focusPathsOn(name) {
  if (!bothLoaded()) return;
  state.filters.focus = `^${escapeRegExp(name)}$`;
  syncFilterInputs();
  state.view = 'paths';
  recompute();
}

// ---------------------------------------------------------------------------------------------
// Filters, search and chips

function syncFilterInputs() {
  for (const input of filterInputs()) input.value = state.filters[input.name];
}

function filterInputs() {
  return Object.keys(FILTERS).map((name) => $(`#filterbar input[name="${name}"]`));
}

/** Reads the filter inputs; recomputes when an applied filter changed. */
function commitFilters() {
  let changed = false;
  for (const input of filterInputs()) {
    const value = input.value.trim();
    if (state.filters[input.name] !== value) {
      state.filters[input.name] = value;
      changed = true;
    }
  }
  if (changed) recompute();
}

function removeFilter(name) {
  state.filters[name] = '';
  syncFilterInputs();
  recompute();
}

function renderChips() {
  const box = $('#filter-chips');
  clear(box);
  const active = Object.keys(FILTERS).filter((name) => state.filters[name] !== '');
  for (const name of active) {
    box.appendChild(h('span', { class: 'filter-chip', dataset: { filter: name }, title: `${name}=${state.filters[name]} (applied to A and B)` },
      h('button', { type: 'button', class: 'chip-body', on: { click: () => $(`#filterbar input[name="${name}"]`).focus() } },
        h('span', { class: 'chip-key' }, name.replace('_', ' ')),
        h('span', { class: 'chip-value' }, state.filters[name])),
      h('button', { type: 'button', class: 'chip-remove', 'aria-label': `Remove the ${name} filter`, title: 'Remove',
        on: { click: () => removeFilter(name) } }, '×')));
  }
  if (active.length > 1) {
    box.appendChild(h('button', { type: 'button', class: 'link-btn', id: 'clear-filters', on: { click: () => {
      for (const name of active) state.filters[name] = '';
      syncFilterInputs();
      recompute();
    } } }, 'Clear all'));
  }
  box.hidden = active.length === 0;
}

/** key=value suggestions for the tag filters, from the loaded profiles' labels. */
function renderTagSuggestions() {
  const list = $('#tag-suggestions');
  const seen = new Set();
  clear(list);
  for (const slot of SLOTS) {
    const s = state.slots[slot];
    if (!s) continue;
    for (const p of s.profiles || []) {
      for (const k of p.labelKeys || []) {
        const values = k.values && k.values.length ? k.values : [''];
        for (const v of values) {
          const text = `${k.key}=${v}`;
          if (seen.has(text)) continue;
          seen.add(text);
          list.appendChild(h('option', { value: text }, k.numeric ? `${k.key} (numeric: a range like 1kb:)` : null));
        }
      }
    }
  }
}

let searchTimer = 0;

function applySearch() {
  clearTimeout(searchTimer);
  const query = $('#search').value;
  if (query === state.search) return;
  state.search = query;
  if (controller) controller.applySearch(searchMatcher(query));
  $('#search').closest('.search').classList.toggle('active', query.trim() !== '');
  writeHash();
}

// ---------------------------------------------------------------------------------------------
// Export

function exportCall(format) {
  const view = state.view;
  const opts = currentOptions(view);
  if (view === 'top-a' || view === 'top-b') return client.call('exportTop', [view.slice(-1), opts, format]);
  if (view === 'compare') return client.call('exportCompare', [opts, format]);
  return client.call('exportPaths', [opts, format]);
}

let toastTimer = 0;

function toast(message, kind = 'ok') {
  const el = $('#toast');
  setText(el, message);
  el.dataset.kind = kind;
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { el.hidden = true; }, 2600);
}

/** Copies `text` to the clipboard; falls back to a selection copy where the API is refused. */
async function copyText(text) {
  try {
    if (navigator.clipboard && navigator.clipboard.writeText) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through
  }
  const area = $('#copy-buffer');
  area.value = text;
  const active = document.activeElement;
  area.focus();
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.value = '';
  if (active && active.focus) active.focus();
  return ok;
}

function copyView(format) {
  if (!state.view) return Promise.resolve();
  const view = state.view;
  return run(async () => {
    let text;
    try {
      text = await exportCall(format);
    } catch (e) {
      toast(toPlainError(e).message, 'error');
      return;
    }
    // The exact string (a textarea's value would turn CR LF into LF) for scripts and tests.
    document.body.dataset.lastExport = text;
    document.body.dataset.lastExportFormat = format;
    document.body.dataset.lastExportView = view;
    const copied = await copyText(text);
    toast(copied
      ? `Copied ${VIEW_NAMES[view]} as ${FORMAT_NAMES[format]}`
      : `${VIEW_NAMES[view]} as ${FORMAT_NAMES[format]} is ready, but the clipboard refused it`, copied ? 'ok' : 'error');
  });
}

/** Saves `blob` as `name` through a temporary link (no network: a blob: URL). */
function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

function downloadDiff() {
  if (!bothLoaded()) return Promise.resolve();
  return run(async () => {
    try {
      const bytes = await client.call('diffProfile', [currentOptions('compare')]);
      download(new Blob([bytes], { type: 'application/octet-stream' }), 'profdiff-diff.pb.gz');
      toast('Saved profdiff-diff.pb.gz: open it with go tool pprof');
    } catch (e) {
      toast(toPlainError(e).message, 'error');
    }
  });
}

function saveReport() {
  if (!anyLoaded()) return Promise.resolve();
  return run(async () => {
    try {
      const view = bothLoaded() ? 'compare' : state.slots.a ? 'top-a' : 'top-b';
      const opts = currentOptions(view);
      const html = await client.call('reportHtml', [opts]);
      download(new Blob([html], { type: 'text/html;charset=utf-8' }), 'profdiff-report.html');
      toast('Saved profdiff-report.html');
    } catch (e) {
      toast(toPlainError(e).message, 'error');
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Slots, tabs and controls

/** The type and total a slot card shows: the selected type when the slot is one file that has
 *  it, else the slot's default type. */
function slotTypeTotal(s) {
  if (state.sampleIndex && (s.sampleTypes || []).includes(state.sampleIndex) && s.profiles && s.profiles.length === 1) {
    const t = (s.profiles[0].sampleTypes || []).find((x) => x.type === state.sampleIndex);
    if (t) return { type: `${t.type} (${t.unit})`, total: t.totalText };
  }
  const d = s.profiles && s.profiles.length === 1
    ? (s.profiles[0].sampleTypes || []).find((x) => x.type === s.defaultSampleType) : null;
  return { type: d ? `${d.type} (${d.unit})` : s.defaultSampleType, total: s.totalText };
}

function renderSlot(slot) {
  const s = state.slots[slot];
  const card = $(`#slot-${slot}`);
  card.dataset.loaded = s ? 'true' : 'false';
  card.dataset.busy = state.loading[slot] ? 'true' : 'false';
  const files = $(`#files-${slot}`);
  setText(files, s ? s.files.join(', ') : '');
  if (s) files.setAttribute('title', s.files.join('\n'));
  else files.removeAttribute('title');
  const tt = s ? slotTypeTotal(s) : { type: '', total: '' };
  setText($(`#type-${slot}`), tt.type);
  setText($(`#time-${slot}`), s ? s.time || '—' : '');
  setText($(`#duration-${slot}`), s ? s.duration || '—' : '');
  setText($(`#total-${slot}`), tt.total);
  const label = $(`#label-${slot}`);
  if (document.activeElement !== label) label.value = state.labels[slot];
  label.disabled = !s;
  $(`#clear-${slot}`).hidden = !s;
  const err = $(`#error-${slot}`);
  const e = state.errors[slot];
  err.hidden = !e;
  setText(err, e ? e.message : '');
  if (e) err.dataset.kind = e.name;
  else delete err.dataset.kind;
}

function renderTabs() {
  for (const tab of $$('[data-view-tab]')) {
    const view = tab.dataset.viewTab;
    tab.disabled = !viewValid(view);
    const selected = view === state.view;
    tab.setAttribute('aria-selected', selected ? 'true' : 'false');
    tab.classList.toggle('active', selected);
    const slot = view === 'top-a' ? 'a' : view === 'top-b' ? 'b' : null;
    clear(tab);
    tab.appendChild(h('kbd', { class: 'tab-key', 'aria-hidden': 'true' }, String(VIEWS.indexOf(view) + 1)));
    tab.appendChild(document.createTextNode(VIEW_NAMES[view]));
    if (slot && state.slots[slot] && state.labels[slot]) {
      tab.appendChild(h('span', { class: 'tab-label' }, state.labels[slot]));
    }
  }
}

/** The slots a view reads. */
function viewSlots(view) {
  if (view === 'top-a') return ['a'];
  if (view === 'top-b') return ['b'];
  return SLOTS;
}

/** The sample types a view can show: its slot's, or for a comparison A's then B's others
 *  (types are matched by name; the core reports a pair with none in common). */
function sampleTypes(view) {
  const names = [];
  for (const slot of viewSlots(view)) {
    const s = state.slots[slot];
    if (!s) continue;
    for (const t of s.sampleTypes || []) if (!names.includes(t)) names.push(t);
  }
  return names;
}

/** The chosen type when the view has it, else '' (each profile's default). The choice is kept,
 *  so Top A of a heap profile and Top B of a CPU profile can sit side by side. */
function effectiveSampleIndex(view) {
  return state.sampleIndex && sampleTypes(view).includes(state.sampleIndex) ? state.sampleIndex : '';
}

function defaultType(view) {
  for (const slot of viewSlots(view)) if (state.slots[slot]) return state.slots[slot].defaultSampleType;
  return '';
}

function renderSampleTypes() {
  const select = $('#sample-type');
  const types = sampleTypes(state.view);
  const all = SLOTS.flatMap((slot) => (state.slots[slot] ? state.slots[slot].sampleTypes || [] : []));
  if (state.sampleIndex && !all.includes(state.sampleIndex) && !(pending && pending.si === state.sampleIndex)) {
    state.sampleIndex = '';
  }
  clear(select);
  for (const t of types) select.appendChild(h('option', { value: t }, t));
  select.value = effectiveSampleIndex(state.view) || defaultType(state.view);
  select.disabled = types.length === 0;
}

/** For heap profiles: what inuse and alloc mean, the sampling period, and that the heap is not
 *  all of RSS. The period is shown as the core gives it. */
function renderHeapNote() {
  const note = $('#heap-note');
  const types = sampleTypes(state.view);
  const heap = types.includes('inuse_space') || types.includes('alloc_space');
  note.hidden = !heap;
  clear(note);
  if (!heap) return;
  const bySlot = []; // [slot, period text]
  for (const slot of viewSlots(state.view)) {
    const s = state.slots[slot];
    if (!s) continue;
    for (const p of s.profiles || []) {
      if (!p.period) continue;
      const text = p.periodText || `${p.period} ${p.periodUnit || ''}`.trim();
      if (!bySlot.some(([sl, t]) => sl === slot && t === text)) bySlot.push([slot, text]);
    }
  }
  const distinct = [...new Set(bySlot.map(([, t]) => t))];
  const periods = distinct.length === 1 ? distinct : bySlot.map(([slot, t]) => `${slot.toUpperCase()} ${t}`);
  const current = $('#sample-type').value || '';
  const b = (text, on) => h('b', { class: on ? 'on' : null }, text);
  note.append(
    h('span', { class: 'note-icon', 'aria-hidden': 'true' }, 'i'),
    h('span', null, b('inuse', current.startsWith('inuse')), ': live at the last GC'),
    h('span', { class: 'sep', 'aria-hidden': 'true' }, '·'),
    h('span', null, b('alloc', current.startsWith('alloc')), ': allocated since the program started'),
    h('span', { class: 'sep', 'aria-hidden': 'true' }, '·'),
    h('span', null, 'sampled estimates', periods.length ? ` (sampling period ${periods.join(', ')})` : ''),
    h('span', { class: 'sep', 'aria-hidden': 'true' }, '·'),
    h('span', null, 'the Go heap is only part of the process\'s RSS'));
}

function renderChrome() {
  for (const slot of SLOTS) renderSlot(slot);
  renderTabs();
  renderSampleTypes();
  const pair = state.view === 'compare' || state.view === 'paths';
  document.body.dataset.view = state.view || '';
  $('#controls').hidden = !state.view;
  $('#filterbar').hidden = !state.view;
  $('#viewbar').hidden = !state.view;
  $('#swap').disabled = !anyLoaded();
  $$('.ctl-pair').forEach((el) => { el.hidden = !pair; });
  $$('.ctl-paths').forEach((el) => { el.hidden = state.view !== 'paths'; });
  $$('.ctl-table').forEach((el) => { el.hidden = state.view === 'paths'; });
  $('#download-diff').disabled = !bothLoaded();
  $('#save-report').disabled = !anyLoaded();
  for (const b of $$('[data-export]')) b.disabled = !state.view;
  renderChips();
  renderTagSuggestions();
  renderHeapNote();
}

// ---------------------------------------------------------------------------------------------
// The URL fragment

/** The page's state as fragment pairs (pending values from a link not yet applied win). */
function hashPairs() {
  const p = pending || {};
  const view = p.view || state.view;
  const sort = state.sorts[view];
  const pairs = [
    ['example', state.example],
    ['view', view],
    ['si', p.si || state.sampleIndex],
    ['g', $('#granularity').value !== 'functions' ? $('#granularity').value : ''],
    ['sort', $('#order').value !== 'flat' ? $('#order').value : ''],
    ['cs', p.cs || (sort ? `${sort.col}:${sort.dir}` : '')],
    ['n', intValue('#nodecount') || ''],
    ['nf', $('#nodefraction').value.trim()],
    ['top', $('#paths-top').value !== '10' ? $('#paths-top').value : ''],
    ['norm', $('#normalize').checked],
    ['noinl', $('#noinlines').checked],
    ['raw', $('#raw-names').checked],
  ];
  for (const name of Object.keys(FILTERS)) pairs.push([name, state.filters[name]]);
  pairs.push(['sel', p.sel || state.selected]);
  pairs.push(['q', state.search]);
  return pairs;
}

function writeHash() {
  // Before anything is loaded, a link's fragment stays as it is (it waits for the files).
  if (!anyLoaded() && !state.example) return;
  const text = formatHash(hashPairs());
  if (text === lastHash) return;
  lastHash = text;
  const url = location.href.replace(/#.*$/, '') + (text ? `#${text}` : '');
  try {
    history.replaceState(history.state, '', url);
  } catch {
    // some file:// setups refuse; the state just is not kept
  }
}

function setSelectValue(select, value) {
  if (Array.from(select.options).some((o) => o.value === value)) select.value = value;
}

/** Applies a fragment: the controls at once, the view, sample type, column sort and selection
 *  once profiles that have them are loaded (see applyPending). */
function applyHash(params) {
  if ('g' in params) setSelectValue($('#granularity'), params.g);
  else $('#granularity').value = 'functions';
  $('#order').value = params.sort === 'cum' ? 'cum' : 'flat';
  $('#nodecount').value = params.n && /^\d+$/.test(params.n) ? params.n : '';
  $('#nodefraction').value = params.nf && Number.isFinite(Number(params.nf)) ? params.nf : '';
  if ('top' in params) setSelectValue($('#paths-top'), params.top);
  else $('#paths-top').value = '10';
  $('#normalize').checked = 'norm' in params && params.norm !== '0';
  $('#noinlines').checked = 'noinl' in params && params.noinl !== '0';
  $('#raw-names').checked = 'raw' in params && params.raw !== '0';
  for (const name of Object.keys(FILTERS)) state.filters[name] = params[name] || '';
  syncFilterInputs();
  $('#search').value = params.q || '';
  state.search = params.q || '';
  $('#search').closest('.search').classList.toggle('active', state.search.trim() !== '');
  pending = {};
  if (params.view && VIEWS.includes(params.view)) pending.view = params.view;
  if (params.si) {
    pending.si = params.si;
    state.sampleIndex = params.si;
  }
  if (params.cs && /^[\w-]+:(asc|desc)$/.test(params.cs)) pending.cs = params.cs;
  if (params.sel) pending.sel = params.sel;
  if (Object.keys(pending).length === 0) pending = null;
}

/** Applies what waits in `pending` once the loaded profiles allow it. */
function applyPending() {
  if (!pending) return;
  if (pending.view && viewValid(pending.view)) {
    state.view = pending.view;
    delete pending.view;
  }
  if (pending.si) {
    const all = SLOTS.flatMap((slot) => (state.slots[slot] ? state.slots[slot].sampleTypes || [] : []));
    if (all.includes(pending.si)) {
      state.sampleIndex = pending.si;
      delete pending.si;
    }
  }
  if (!pending.view) {
    if (pending.cs) {
      const [col, dir] = pending.cs.split(':');
      state.sorts[state.view] = { col, dir };
      delete pending.cs;
    }
    if (pending.sel) {
      state.selected = pending.sel;
      delete pending.sel;
    }
  }
  if (Object.keys(pending).length === 0) pending = null;
}

// ---------------------------------------------------------------------------------------------
// Theme

function applyTheme(mode) {
  document.documentElement.dataset.theme = mode;
  const button = $('#theme-toggle');
  button.dataset.mode = mode;
  const next = THEMES[(THEMES.indexOf(mode) + 1) % THEMES.length];
  const what = mode === 'auto' ? 'follows the system' : mode;
  button.title = `Theme: ${what} (click for ${next})`;
  button.setAttribute('aria-label', `Theme: ${mode}`);
}

function cycleTheme() {
  const mode = THEMES[(THEMES.indexOf(document.documentElement.dataset.theme) + 1) % THEMES.length];
  applyTheme(mode);
  try {
    if (mode === 'auto') localStorage.removeItem('profdiff-theme');
    else localStorage.setItem('profdiff-theme', mode);
  } catch {
    // storage may be unavailable (file://, private mode); the toggle still works
  }
}

function storedTheme() {
  try {
    const t = localStorage.getItem('profdiff-theme');
    return THEMES.includes(t) ? t : 'auto';
  } catch {
    return 'auto';
  }
}

// ---------------------------------------------------------------------------------------------
// Drag and drop

let dragDepth = 0;

function hasFiles(event) {
  return Boolean(event.dataTransfer) && Array.from(event.dataTransfer.types || []).includes('Files');
}

function slotOf(target) {
  const el = target && target.closest ? target.closest('.slot') : null;
  return el ? el.dataset.slot : null;
}

function markDropTarget(slot) {
  for (const s of SLOTS) $(`#slot-${s}`).classList.toggle('drop-target', s === slot);
}

function endDrag() {
  dragDepth = 0;
  document.body.classList.remove('dragging');
  markDropTarget(null);
}

/** Two files anywhere (even on a slot) fill A and B; with Shift or Alt held over a slot they
 *  merge into it. Other counts go to the slot they are dropped on, or to the first empty one. */
function handleDrop(files, slot, merge) {
  if (files.length === 0) return;
  if (files.length === 2 && !(slot && merge)) {
    loadPair(files, slot || 'a');
    return;
  }
  if (slot) {
    loadInto(slot, files);
    return;
  }
  if (files.length === 1) {
    loadInto(state.slots.a ? 'b' : 'a', files);
    return;
  }
  state.errors.a = { name: 'DropError', message: `${files.length} files dropped: drop one or two on the page, or several on A or B to merge them` };
  renderChrome();
}

document.addEventListener('dragenter', (event) => {
  if (!hasFiles(event)) return;
  event.preventDefault();
  dragDepth++;
  document.body.classList.add('dragging');
  markDropTarget(slotOf(event.target));
});

document.addEventListener('dragover', (event) => {
  if (!hasFiles(event)) return;
  event.preventDefault();
  event.dataTransfer.dropEffect = 'copy';
  markDropTarget(slotOf(event.target));
});

document.addEventListener('dragleave', (event) => {
  if (!hasFiles(event)) return;
  dragDepth--;
  if (dragDepth <= 0) endDrag();
});

document.addEventListener('drop', (event) => {
  if (!event.dataTransfer) return;
  event.preventDefault();
  const files = Array.from(event.dataTransfer.files || []);
  const slot = slotOf(event.target);
  endDrag();
  handleDrop(files, slot, event.shiftKey || event.altKey);
});

// ---------------------------------------------------------------------------------------------
// Keyboard

function isEditable(t) {
  return Boolean(t) && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA' || t.isContentEditable);
}

function onKeydown(event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const dialog = $('#shortcuts');
  if (dialog.open) return; // the dialog handles Escape itself
  const t = event.target;
  if (isEditable(t)) {
    if (t.id === 'search' && event.key === 'Escape') {
      event.preventDefault();
      if (t.value) {
        t.value = '';
        applySearch();
      }
      t.blur();
      $('#view').focus();
    } else if (t.id === 'search' && event.key === 'Enter') {
      applySearch();
    }
    return;
  }
  const key = event.key;
  if (key === '/') {
    event.preventDefault();
    $('#search').focus();
    $('#search').select();
  } else if (key === '?') {
    event.preventDefault();
    dialog.showModal();
  } else if (['1', '2', '3', '4'].includes(key)) {
    setView(VIEWS[Number(key) - 1]);
  } else if (key === 'j' || key === 'k') {
    event.preventDefault();
    moveSelection(key === 'j' ? 1 : -1);
  } else if (key === 'Enter') {
    if (t && t.closest && t.closest('button, a, summary, [role=button], tr.peek-edge')) return;
    event.preventDefault();
    if (!state.selected && controller) moveSelection(1);
    if (state.selected) openPeek(state.selected);
  } else if (key === 'Escape') {
    if (state.peek.open) closePeek();
  } else if (key === 'Backspace') {
    if (state.peek.open && state.peek.history.length) {
      event.preventDefault();
      peekBack();
    }
  } else if (key === 's') {
    swapSlots();
  } else if (key === 't') {
    $('#show-text').click();
  }
}

// ---------------------------------------------------------------------------------------------
// Wiring

function recompute() {
  return run(refreshAll);
}

function setView(view) {
  if (!viewValid(view) || view === state.view) return;
  state.view = view;
  recompute();
}

function init() {
  applyTheme(storedTheme());
  client = new WorkerClient();

  for (const slot of SLOTS) {
    const input = $(`#file-${slot}`);
    input.addEventListener('change', () => {
      const files = Array.from(input.files || []);
      input.value = ''; // choosing the same file again fires change again
      loadInto(slot, files);
    });
    $(`#clear-${slot}`).addEventListener('click', () => clearSlot(slot));
    for (const button of $$(`[data-pick="${slot}"]`)) button.addEventListener('click', () => input.click());
    const label = $(`#label-${slot}`);
    label.addEventListener('input', () => {
      state.labels[slot] = label.value;
      renderTabs();
    });
    label.addEventListener('change', () => {
      renderView();
      renderPeekPanel();
    });
  }

  $('#load-example').addEventListener('click', () => loadExample());
  $('#load-example-empty').addEventListener('click', () => loadExample());
  $('#swap').addEventListener('click', () => swapSlots());
  $('#theme-toggle').addEventListener('click', () => cycleTheme());
  $('#shortcuts-button').addEventListener('click', () => $('#shortcuts').showModal());
  $('#shortcuts-close').addEventListener('click', () => $('#shortcuts').close());
  $('#shortcuts').addEventListener('click', (event) => {
    if (event.target === event.currentTarget) event.currentTarget.close(); // the backdrop
  });

  for (const tab of $$('[data-view-tab]')) {
    tab.addEventListener('click', () => setView(tab.dataset.viewTab));
  }

  $('#sample-type').addEventListener('change', (event) => {
    state.sampleIndex = event.target.value;
    recompute();
  });
  $('#order').addEventListener('change', () => {
    state.sorts = {}; // the report's own order is the new order
    recompute();
  });
  for (const id of ['granularity', 'nodecount', 'nodefraction', 'paths-top', 'normalize', 'noinlines', 'raw-names']) {
    $(`#${id}`).addEventListener('change', () => recompute());
  }
  for (const input of filterInputs()) {
    input.addEventListener('change', () => commitFilters());
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        commitFilters();
      } else if (event.key === 'Escape') {
        input.value = state.filters[input.name];
        input.blur();
      }
    });
  }
  $('#nodefraction').addEventListener('keydown', (event) => {
    if (event.key === 'Enter') recompute();
  });
  const search = $('#search');
  search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(applySearch, 60);
  });
  search.addEventListener('search', () => applySearch()); // the clear (×) button of type=search
  $('#show-text').addEventListener('change', (event) => {
    state.showText = event.target.checked;
    renderView();
  });
  for (const button of $$('[data-export]')) {
    button.addEventListener('click', () => copyView(button.dataset.export));
  }
  $('#download-diff').addEventListener('click', () => downloadDiff());
  $('#save-report').addEventListener('click', () => saveReport());

  document.addEventListener('keydown', onKeydown);
  window.addEventListener('hashchange', () => {
    const text = location.hash.replace(/^#/, '');
    if (text === lastHash) return;
    const params = parseHash(text);
    applyHash(params);
    if ('example' in params && !state.example) {
      loadExample();
      return;
    }
    applyPending();
    if (state.view) recompute();
  });

  const params = parseHash(location.hash);
  applyHash(params);
  renderChrome();
  renderView();
  document.body.dataset.state = 'ready';
  if ('example' in params) loadExample();
}

init();

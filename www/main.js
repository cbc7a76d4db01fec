// The page: two slots (A baseline, B new), the shared controls, and the views. Every number
// shown comes from the Rust core through the worker; this file routes requests and replies.
import { h, clear, setText, $, $$ } from './dom.js';
import { WorkerClient } from './client.js';
import { nextSort } from './views/table.js';
import { renderTop } from './views/top-table.js';
import { renderCompare } from './views/compare-table.js';
import { renderPaths } from './views/paths.js';

const SLOTS = ['a', 'b'];
const VIEWS = ['top-a', 'top-b', 'compare', 'paths'];
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
  showAll: false,
  showText: false,
};

let client = null;
let busy = 0; // worker operations in flight
let generation = 0; // the newest view request; older replies are dropped
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
    } catch (e) {
      // The slot keeps its previous profile, and the view stays as it is.
      state.errors[slot] = toPlainError(e);
      renderChrome();
      return;
    }
    chooseView(bothBefore);
    await refreshView();
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
    } catch (e) {
      state.errors[errorSlot] = toPlainError(e);
      renderChrome();
      return;
    }
    state.view = 'compare';
    await refreshView();
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
    state.view = 'compare';
    await refreshView();
  }));
}

function clearSlot(slot) {
  return run(async () => {
    await client.call('clear', [slot]);
    setSlot(slot, null);
    state.errors[slot] = null;
    chooseView(bothLoaded());
    await refreshView();
  });
}

function swapSlots() {
  return run(async () => {
    const pair = await client.call('swap');
    state.slots.a = pair.a || null;
    state.slots.b = pair.b || null;
    state.labels = { a: state.labels.b, b: state.labels.a };
    state.errors = { a: null, b: null };
    if (state.view === 'top-a') state.view = 'top-b';
    else if (state.view === 'top-b') state.view = 'top-a';
    await refreshView();
  });
}

// ---------------------------------------------------------------------------------------------
// Views

function bothLoaded() {
  return Boolean(state.slots.a && state.slots.b);
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

function nodecount() {
  const raw = $('#nodecount').value.trim();
  const n = Number(raw);
  return raw === '' || !Number.isInteger(n) || n < 0 ? 0 : n;
}

/** The options of the shared controls, in the worker API's shape. */
function currentOptions(view) {
  const opts = {
    sampleIndex: effectiveSampleIndex(view),
    granularity: $('#granularity').value,
    cum: $('#order').value === 'cum',
    nodecount: nodecount(),
    noinlines: $('#noinlines').checked,
    rawNames: $('#raw-names').checked,
    focus: $('#focus').value,
    ignore: $('#ignore').value,
    hide: $('#hide').value,
    show: $('#show').value,
  };
  if (view === 'compare' || view === 'paths') opts.normalize = $('#normalize').checked;
  if (view === 'paths') {
    // Paths rank by Δ and take their own count; order and node count do not apply.
    delete opts.cum;
    delete opts.nodecount;
    opts.topN = Number($('#paths-top').value);
  }
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
      renderView();
    },
    showAll: state.showAll,
    onShowAll: () => {
      state.showAll = true;
      renderView();
    },
    showText: state.showText,
  };
}

function renderView() {
  const container = $('#view');
  const scrollTop = (() => {
    const wrap = container.querySelector('.table-wrap');
    return wrap ? wrap.scrollTop : 0;
  })();
  clear(container);
  container.dataset.view = state.view || '';
  if (state.viewError) {
    const box = h('div', { class: 'view-error', id: 'view-error', role: 'alert', dataset: { kind: state.viewError.name } });
    box.textContent = state.viewError.message;
    container.appendChild(box);
  }
  if (!state.view) {
    container.appendChild(emptyNode);
    return;
  }
  const report = state.report;
  if (!report || report.view !== state.view) return;
  const ctx = viewContext(report.view);
  if (report.view === 'top-a' || report.view === 'top-b') renderTop(container, report.data, ctx);
  else if (report.view === 'compare') renderCompare(container, report.data, ctx);
  else renderPaths(container, report.data, ctx);
  const wrap = container.querySelector('.table-wrap');
  if (wrap && scrollTop) wrap.scrollTop = scrollTop;
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
    tab.appendChild(document.createTextNode(slot ? `Top ${slot.toUpperCase()}` : view === 'compare' ? 'Compare' : 'Paths'));
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
  if (state.sampleIndex && !all.includes(state.sampleIndex)) state.sampleIndex = '';
  clear(select);
  for (const t of types) select.appendChild(h('option', { value: t }, t));
  select.value = effectiveSampleIndex(state.view) || defaultType(state.view);
  select.disabled = types.length === 0;
}

function renderChrome() {
  for (const slot of SLOTS) renderSlot(slot);
  renderTabs();
  renderSampleTypes();
  const pair = state.view === 'compare' || state.view === 'paths';
  document.body.dataset.view = state.view || '';
  $('#controls').hidden = !state.view;
  $('#swap').disabled = !(state.slots.a || state.slots.b);
  $$('.ctl-pair').forEach((el) => { el.hidden = !pair; });
  $$('.ctl-paths').forEach((el) => { el.hidden = state.view !== 'paths'; });
  $$('.ctl-table').forEach((el) => { el.hidden = state.view === 'paths'; });
  const nFilters = ['focus', 'ignore', 'hide', 'show'].filter((id) => $(`#${id}`).value !== '').length
    + ($('#noinlines').checked ? 1 : 0) + ($('#raw-names').checked ? 1 : 0);
  setText($('#filter-count'), nFilters ? ` (${nFilters})` : '');
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
// Wiring

function recompute() {
  return run(refreshView);
}

function setView(view) {
  if (!viewValid(view) || view === state.view) return;
  state.view = view;
  state.showAll = false;
  recompute();
}

function init() {
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
    label.addEventListener('change', () => renderView());
  }

  $('#load-example').addEventListener('click', () => loadExample());
  $('#load-example-empty').addEventListener('click', () => loadExample());
  $('#swap').addEventListener('click', () => swapSlots());

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
  for (const id of ['granularity', 'nodecount', 'paths-top', 'normalize', 'noinlines', 'raw-names',
    'focus', 'ignore', 'hide', 'show']) {
    $(`#${id}`).addEventListener('change', () => recompute());
  }
  $('#show-text').addEventListener('change', (event) => {
    state.showText = event.target.checked;
    renderView();
  });

  document.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const t = event.target;
    if (t && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA' || t.isContentEditable)) return;
    const index = ['1', '2', '3', '4'].indexOf(event.key);
    if (index >= 0) setView(VIEWS[index]);
    else if (event.key === 't') $('#show-text').click();
  });

  renderChrome();
  renderView();
  document.body.dataset.state = 'ready';
  if (location.hash === '#example') loadExample();
}

init();

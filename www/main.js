// The page's coordinator: the page state, the worker client, the busy state, which view is on
// screen and when it is recomputed and drawn. Every number shown comes from the Rust core through
// the worker. The views live in views/ (registered in views/index.js); the slots, controls,
// filters, callers/callees panel, exports, keyboard, theme and URL fragment have their own
// modules, each given `page` (below) to read the state and call back.
import { h, clear, $, $$ } from './dom.js';
import { toPlainError } from './client.js';
import { newClient } from './recovery.js';
import { startInflater } from './inflater.js';
import { FILTERS } from './hash.js';
import { hideProgress, showProgress } from './progress.js';
import { SLOTS, loadEmbedded, loadExample, renderSlot, wireSlots } from './slots.js';
import { compareFirstLast, renderSeriesSlot, wireSeries } from './series.js';
import { readEmbedded, showEmbedded } from './embedded.js';
import { installDragDrop } from './dragdrop.js';
import { currentOptions, renderControlGroups, renderHeapNote, renderSampleTypes, wireControls } from './controls.js';
import { focusPathsOn, renderChips, renderTagSuggestions, setFilter, wireFilters } from './filters.js';
import { closePeek, openPeek, refreshPeek, renderPeekPanel } from './peek-panel.js';
import { renderExportButtons, wireExports } from './exports.js';
import { installKeyboard } from './keyboard.js';
import { installTheme } from './theme.js';
import { applyHash, applyPending, installHashChange, readHash, writeHash } from './url-state.js';
import { nextSort, searchMatcher } from './views/table.js';
import { VIEWS, viewDef } from './views/index.js';

const state = {
  slots: { a: null, b: null, series: null }, // SlotSummary (series: SeriesSummary) or null
  labels: { a: '', b: '' },
  errors: { a: null, b: null, series: null }, // {name, message} of the last failed load
  loading: { a: false, b: false, series: false }, // a load into the slot is running
  view: null, // a view id (views/index.js), or null when nothing is loaded
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
  // What each slot was loaded from, kept to reload a restarted worker (recovery.js):
  // { files: File[] } | { example: 'a' | 'b' } | { embedded: [{ name, bytes }] } | null
  sources: { a: null, b: null },
};

let busy = 0; // worker operations in flight
let generation = 0; // the newest view request; older replies are dropped
let active = null; // { id, instance } of the view on screen (views/index.js)
let renderedView = null; // the view whose report is on screen (to keep its scroll position)
const emptyNode = $('#empty');

/** What the page's modules share: the state, the worker, and the coordinator's actions. */
const page = {
  state,
  client: null,
  pending: null, // fragment state that waits for profiles: { view, si, sel, cs } (url-state.js)
  hashParams: {}, // the fragment applied last; views read their own keys from it
  run,
  recompute,
  refreshAll,
  renderChrome,
  renderView,
  renderTabs,
  renderPeekPanel: () => renderPeekPanel(page),
  closePeek: () => closePeek(page),
  writeHash: () => writeHash(page),
  applyPending: () => applyPending(page),
  chooseView,
  viewValid,
  setView,
  selectName,
  moveSelection,
  updateView: (change) => { if (active) active.instance.update(change); },
  viewKeydown: (event) => Boolean(active && active.instance.keydown && active.instance.keydown(event)),
  viewHashPairs: () => (active && active.instance.hashPairs ? active.instance.hashPairs() : []),
  resetView: disposeView,
};

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

// ---------------------------------------------------------------------------------------------
// Which view

function bothLoaded() {
  return Boolean(state.slots.a && state.slots.b);
}

function anyLoaded() {
  return Boolean(state.slots.a || state.slots.b);
}

/** A view can be shown when the slots it reads are loaded (or as its `enabled` says). */
function viewValid(view) {
  const def = viewDef(view);
  if (!def) return false;
  const loaded = { a: Boolean(state.slots.a), b: Boolean(state.slots.b), series: Boolean(state.slots.series) };
  return def.enabled ? def.enabled(loaded) : def.slots.every((slot) => loaded[slot]);
}

/** Picks the view after slots changed: Compare when the second profile arrives, else the
 *  current view while it still makes sense, else the top of whichever slot is loaded. */
function chooseView(bothBefore) {
  if (bothLoaded() && !bothBefore) {
    state.view = 'compare';
  } else if (!viewValid(state.view)) {
    state.view = state.slots.a ? 'top-a' : state.slots.b ? 'top-b' : state.slots.series ? 'trend' : null;
  }
}

function setView(view) {
  if (!viewValid(view) || view === state.view) return;
  state.view = view;
  recompute();
}

function recompute() {
  return run(refreshAll);
}

// ---------------------------------------------------------------------------------------------
// The view on screen

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
  const def = viewDef(view);
  showProgress('aggregating', def.slots.map((s) => s.toUpperCase()).join(' and '));
  let report = null;
  let error = null;
  try {
    report = await def.fetch(page.client, currentOptions(page, view));
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
  await Promise.all([refreshView(), state.peek.open ? refreshPeek(page) : null]);
}

function disposeView() {
  if (active) active.instance.dispose();
  active = null;
}

/** The instance of view `id`, created on first use (ctx: www/README.md, "Adding a view"). */
function viewInstance(id) {
  if (active && active.id === id) return active.instance;
  disposeView();
  const ctx = {
    id,
    view: id,
    container: $('#view'),
    params: page.hashParams,
    client: page.client,
    run,
    onSort: (column) => {
      const next = nextSort(state.sorts[id] || null, column);
      if (next) state.sorts[id] = next;
      else delete state.sorts[id];
      if (renderedView === id) page.updateView({ sort: next });
      else renderView();
      writeHash(page);
    },
    onActivate: (name) => {
      state.selected = name;
      writeHash(page);
      openPeek(page, name);
    },
    select: (name) => selectName(name, { scroll: false }),
    focusPaths: (name) => focusPathsOn(page, name),
    compareFirstLast: () => compareFirstLast(page),
    setFilter: (name, value) => setFilter(page, name, value),
    writeHash: () => writeHash(page),
  };
  active = { id, instance: viewDef(id).create(ctx) };
  return active.instance;
}

function renderView() {
  const container = $('#view');
  const oldWrap = container.querySelector('.table-wrap');
  const scrollTop = oldWrap && renderedView === state.view ? oldWrap.scrollTop : 0;
  clear(container);
  renderedView = null;
  container.dataset.view = state.view || '';
  if (state.viewError) {
    const box = h('div', { class: 'view-error', id: 'view-error', role: 'alert', dataset: { kind: state.viewError.name } });
    box.textContent = state.viewError.message;
    container.appendChild(box);
  }
  if (!state.view) {
    disposeView();
    container.appendChild(emptyNode);
    writeHash(page);
    return;
  }
  const report = state.report && state.report.view === state.view ? state.report.data : null;
  viewInstance(state.view).render(report, {
    labels: state.labels,
    sort: state.sorts[state.view] || null,
    selected: state.selected,
    search: searchMatcher(state.search),
    showText: state.showText,
    scrollTop,
  });
  if (report) renderedView = state.view;
  writeHash(page);
}

/** Selects `name` in the view on screen (scrolling to it) and in the URL. */
function selectName(name, { scroll = true } = {}) {
  state.selected = name;
  page.updateView({ selected: name, scroll });
  writeHash(page);
}

function moveSelection(delta) {
  if (!active || !active.instance.move) return;
  const name = active.instance.move(delta);
  if (name === null || name === undefined) return;
  state.selected = name;
  writeHash(page);
  if (state.peek.open && state.peek.name !== name) openPeek(page, name, { push: false });
}

// ---------------------------------------------------------------------------------------------
// Chrome: slot cards, tabs, controls

/** One tab per registered view, in order; its key is its position. */
function buildTabs() {
  const tabs = $('.tabs[role=tablist]');
  clear(tabs);
  for (const def of VIEWS) {
    const tab = h('button', { type: 'button', role: 'tab', dataset: { viewTab: def.id }, disabled: true }, def.title);
    tab.addEventListener('click', () => setView(def.id));
    tabs.appendChild(tab);
  }
  const keys = $('#shortcut-views');
  clear(keys);
  keys.append(
    h('td', null, ...VIEWS.flatMap((def, i) => (i < 9 ? [h('kbd', null, String(i + 1)), ' '] : []))),
    h('td', null, VIEWS.map((def) => def.title).join(', ')));
}

function renderTabs() {
  for (const tab of $$('[data-view-tab]')) {
    const view = tab.dataset.viewTab;
    const def = viewDef(view);
    tab.disabled = !viewValid(view);
    const selected = view === state.view;
    tab.setAttribute('aria-selected', selected ? 'true' : 'false');
    tab.classList.toggle('active', selected);
    const slot = def.slots.length === 1 ? def.slots[0] : null;
    clear(tab);
    tab.appendChild(h('kbd', { class: 'tab-key', 'aria-hidden': 'true' }, String(VIEWS.indexOf(def) + 1)));
    tab.appendChild(document.createTextNode(def.title));
    if (slot && state.slots[slot] && state.labels[slot]) {
      tab.appendChild(h('span', { class: 'tab-label' }, state.labels[slot]));
    }
  }
}

function renderChrome() {
  for (const slot of SLOTS) renderSlot(page, slot);
  renderSeriesSlot(page);
  renderTabs();
  renderSampleTypes(page);
  document.body.dataset.view = state.view || '';
  $('#controls').hidden = !state.view;
  $('#filterbar').hidden = !state.view;
  $('#viewbar').hidden = !state.view;
  $('#swap').disabled = !anyLoaded();
  renderControlGroups(state.view);
  renderExportButtons(page);
  renderChips(page);
  renderTagSuggestions(page);
  renderHeapNote(page);
}

// ---------------------------------------------------------------------------------------------
// Start

function init() {
  installTheme();
  page.client = newClient(page);
  startInflater();
  buildTabs();
  wireSlots(page);
  wireSeries(page);
  installDragDrop(page);
  wireControls(page);
  wireFilters(page);
  wireExports(page);
  installKeyboard(page);
  installHashChange(page, loadExample);

  // A page written by `profdiff web` / `profdiff html` opens on its embedded profiles and preset,
  // unless the fragment already holds a state (a reload keeps what was changed since).
  const embedded = readEmbedded();
  const fragment = location.hash.replace(/^#/, '');
  const params = readHash(embedded && !fragment ? embedded.fragment : fragment);
  applyHash(page, params);
  renderChrome();
  renderView();
  document.body.dataset.state = 'ready';
  if (embedded) {
    showEmbedded(embedded);
    loadEmbedded(page, embedded.slots);
  } else if ('example' in params) loadExample(page);
}

init();

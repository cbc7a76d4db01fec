// The page's state in the URL fragment (hash.js has the keys and the format). Written with
// history.replaceState, so it adds no history entries. Opening a link applies the controls and
// filters at once; the view, sample type, column sort and selection wait in page.pending until
// profiles that have them are loaded. A view keeps its own state under its `hashKeys` through
// its instance's hashPairs() and reads it back from ctx.params.
import { $ } from './dom.js';
import { FILTERS, HASH_KEYS, formatHash, parseHash } from './hash.js';
import { intValue } from './controls.js';
import { syncFilterInputs } from './filters.js';
import { viewDef, viewHashKeys } from './views/index.js';

let lastHash = null; // the fragment this page wrote last

/** Parses a fragment with the page's and the views' keys. */
export function readHash(text) {
  return parseHash(text, { ...HASH_KEYS, ...viewHashKeys() });
}

/** The page's state as fragment pairs (pending values from a link not yet applied win). */
function hashPairs(page) {
  const { state } = page;
  const p = page.pending || {};
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
  return pairs.concat(page.viewHashPairs());
}

export function writeHash(page) {
  // Before anything is loaded, a link's fragment stays as it is (it waits for the files).
  const { state } = page;
  if (!(state.slots.a || state.slots.b) && !state.example) return;
  const text = formatHash(hashPairs(page));
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
export function applyHash(page, params) {
  const { state } = page;
  page.hashParams = params;
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
  syncFilterInputs(page);
  $('#search').value = params.q || '';
  state.search = params.q || '';
  $('#search').closest('.search').classList.toggle('active', state.search.trim() !== '');
  let pending = {};
  if (params.view && viewDef(params.view)) pending.view = params.view;
  if (params.si) {
    pending.si = params.si;
    state.sampleIndex = params.si;
  }
  if (params.cs && /^[\w-]+:(asc|desc)$/.test(params.cs)) pending.cs = params.cs;
  if (params.sel) pending.sel = params.sel;
  if (Object.keys(pending).length === 0) pending = null;
  page.pending = pending;
}

/** Applies what waits in page.pending once the loaded profiles allow it. */
export function applyPending(page) {
  const { state, pending } = page;
  if (!pending) return;
  if (pending.view && page.viewValid(pending.view)) {
    state.view = pending.view;
    delete pending.view;
  }
  if (pending.si) {
    const all = ['a', 'b', 'series'].flatMap((slot) => (state.slots[slot] ? state.slots[slot].sampleTypes || [] : []));
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
  if (Object.keys(pending).length === 0) page.pending = null;
}

/** Follows fragments changed by hand or by a link on the page. */
export function installHashChange(page, loadExample) {
  window.addEventListener('hashchange', () => {
    const text = location.hash.replace(/^#/, '');
    if (text === lastHash) return;
    const params = readHash(text);
    applyHash(page, params);
    page.resetView(); // the view on screen re-reads its own keys from the new fragment
    if ('example' in params && !page.state.example) {
      loadExample(page);
      return;
    }
    applyPending(page);
    if (page.state.view) page.recompute();
  });
}

// The filters (focus, ignore, hide, show, show_from, tagfocus, tagignore), their chips and tag
// suggestions, and the quick search (display only). Applied filters live in page.state.filters
// and go with every worker call (controls.js).
import { h, clear, $ } from './dom.js';
import { FILTERS } from './hash.js';
import { searchMatcher } from './views/table.js';

export function filterInputs() {
  return Object.keys(FILTERS).map((name) => $(`#filterbar input[name="${name}"]`));
}

export function syncFilterInputs(page) {
  for (const input of filterInputs()) input.value = page.state.filters[input.name];
}

/** Reads the filter inputs; recomputes when an applied filter changed. */
function commitFilters(page) {
  let changed = false;
  for (const input of filterInputs()) {
    const value = input.value.trim();
    if (page.state.filters[input.name] !== value) {
      page.state.filters[input.name] = value;
      changed = true;
    }
  }
  if (changed) page.recompute();
}

/** Applies `value` as filter `name` (one of FILTERS' keys; '' removes it) and recomputes. */
export function setFilter(page, name, value) {
  page.state.filters[name] = value;
  syncFilterInputs(page);
  page.recompute();
}

/** Regexp metacharacters escaped, so the name matches itself. */
export function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The Paths view with focus=^NAME$ ("Focus paths on it"). */
export function focusPathsOn(page, name) {
  const { state } = page;
  if (!(state.slots.a && state.slots.b)) return;
  state.filters.focus = `^${escapeRegExp(name)}$`;
  syncFilterInputs(page);
  state.view = 'paths';
  page.recompute();
}

export function renderChips(page) {
  const { state } = page;
  const box = $('#filter-chips');
  clear(box);
  const active = Object.keys(FILTERS).filter((name) => state.filters[name] !== '');
  for (const name of active) {
    box.appendChild(h('span', { class: 'filter-chip', dataset: { filter: name }, title: `${name}=${state.filters[name]} (applied to A and B)` },
      h('button', { type: 'button', class: 'chip-body', on: { click: () => $(`#filterbar input[name="${name}"]`).focus() } },
        h('span', { class: 'chip-key' }, name.replace('_', ' ')),
        h('span', { class: 'chip-value' }, state.filters[name])),
      h('button', { type: 'button', class: 'chip-remove', 'aria-label': `Remove the ${name} filter`, title: 'Remove',
        on: { click: () => setFilter(page, name, '') } }, '×')));
  }
  if (active.length > 1) {
    box.appendChild(h('button', { type: 'button', class: 'link-btn', id: 'clear-filters', on: { click: () => {
      for (const name of active) state.filters[name] = '';
      syncFilterInputs(page);
      page.recompute();
    } } }, 'Clear all'));
  }
  box.hidden = active.length === 0;
}

/** key=value suggestions for the tag filters, from the loaded profiles' labels. */
export function renderTagSuggestions(page) {
  const list = $('#tag-suggestions');
  const seen = new Set();
  clear(list);
  for (const slot of ['a', 'b', 'series']) {
    const s = page.state.slots[slot];
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

/** Applies the search box to the view on screen (display only). */
export function applySearch(page) {
  clearTimeout(searchTimer);
  const query = $('#search').value;
  if (query === page.state.search) return;
  page.state.search = query;
  page.updateView({ search: searchMatcher(query) });
  $('#search').closest('.search').classList.toggle('active', query.trim() !== '');
  page.writeHash();
}

export function wireFilters(page) {
  for (const input of filterInputs()) {
    input.addEventListener('change', () => commitFilters(page));
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        commitFilters(page);
      } else if (event.key === 'Escape') {
        input.value = page.state.filters[input.name];
        input.blur();
      }
    });
  }
  const search = $('#search');
  search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => applySearch(page), 60);
  });
  search.addEventListener('search', () => applySearch(page)); // the clear (×) button of type=search
}

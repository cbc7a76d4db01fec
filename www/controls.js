// The shared controls (sample type, granularity, order, node count and fraction, paths count,
// normalize, no inlines, raw names) and the options they give every worker call, plus the heap
// note. A view says which control groups apply to it (`controls`: 'table', 'paths', 'pair'); the
// `.ctl-GROUP` elements show for those views, and the options follow the same groups.
import { h, clear, $ } from './dom.js';
import { FILTERS } from './hash.js';
import { viewDef } from './views/index.js';

const SLOTS = ['a', 'b'];

/** A non-negative integer control, 0 when empty or invalid. */
export function intValue(id) {
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

function viewControls(view) {
  const def = viewDef(view);
  return def ? def.controls || [] : [];
}

/** The options of the shared controls and the applied filters, in the worker API's shape. */
export function currentOptions(page, view) {
  const controls = viewControls(view);
  const opts = {
    sampleIndex: effectiveSampleIndex(page, view),
    granularity: $('#granularity').value,
  };
  if (controls.includes('table')) {
    // Paths rank by Δ and take their own count; order and node count apply to the tables.
    opts.cum = $('#order').value === 'cum';
    opts.nodecount = intValue('#nodecount');
  }
  opts.noinlines = $('#noinlines').checked;
  opts.rawNames = $('#raw-names').checked;
  for (const [name, option] of Object.entries(FILTERS)) opts[option] = page.state.filters[name];
  const nf = nodefraction();
  if (nf !== null) opts.nodefraction = nf;
  if (controls.includes('pair')) opts.normalize = $('#normalize').checked;
  if (controls.includes('paths')) opts.topN = Number($('#paths-top').value);
  return opts;
}

/** Options of the callers/callees panel: A and B when both are loaded, else the one there. */
export function peekOptions(page) {
  const { slots } = page.state;
  const opts = currentOptions(page, slots.a && slots.b ? 'compare' : slots.a ? 'top-a' : 'top-b');
  delete opts.nodecount;
  return opts;
}

/** The slots a view reads. */
export function viewSlots(view) {
  const def = viewDef(view);
  return def ? def.slots : SLOTS;
}

/** The sample types a view can show: its slot's, or for a comparison A's then B's others
 *  (types are matched by name; the core reports a pair with none in common). */
function sampleTypes(page, view) {
  const names = [];
  for (const slot of viewSlots(view)) {
    const s = page.state.slots[slot];
    if (!s) continue;
    for (const t of s.sampleTypes || []) if (!names.includes(t)) names.push(t);
  }
  return names;
}

/** The chosen type when the view has it, else '' (each profile's default). The choice is kept,
 *  so Top A of a heap profile and Top B of a CPU profile can sit side by side. */
function effectiveSampleIndex(page, view) {
  const { sampleIndex } = page.state;
  return sampleIndex && sampleTypes(page, view).includes(sampleIndex) ? sampleIndex : '';
}

function defaultType(page, view) {
  for (const slot of viewSlots(view)) if (page.state.slots[slot]) return page.state.slots[slot].defaultSampleType;
  return '';
}

export function renderSampleTypes(page) {
  const { state } = page;
  const select = $('#sample-type');
  const types = sampleTypes(page, state.view);
  const all = [...SLOTS, 'series'].flatMap((slot) => (state.slots[slot] ? state.slots[slot].sampleTypes || [] : []));
  if (state.sampleIndex && !all.includes(state.sampleIndex) && !(page.pending && page.pending.si === state.sampleIndex)) {
    state.sampleIndex = '';
  }
  clear(select);
  for (const t of types) select.appendChild(h('option', { value: t }, t));
  select.value = effectiveSampleIndex(page, state.view) || defaultType(page, state.view);
  select.disabled = types.length === 0;
}

/** Shows the control groups of the view on screen. */
export function renderControlGroups(view) {
  const controls = viewControls(view);
  for (const group of ['table', 'paths', 'pair']) {
    // With no view every group but 'table' hides (the bar itself is hidden then).
    const shown = view ? controls.includes(group) : group === 'table';
    for (const el of document.querySelectorAll(`.ctl-${group}`)) el.hidden = !shown;
  }
}

/** For heap profiles: what inuse and alloc mean, the sampling period, and that the heap is not
 *  all of RSS. The period is shown as the core gives it. */
export function renderHeapNote(page) {
  const { state } = page;
  const note = $('#heap-note');
  const types = sampleTypes(page, state.view);
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

/** Recomputes when a control changes. */
export function wireControls(page) {
  $('#sample-type').addEventListener('change', (event) => {
    page.state.sampleIndex = event.target.value;
    page.recompute();
  });
  $('#order').addEventListener('change', () => {
    page.state.sorts = {}; // the report's own order is the new order
    page.recompute();
  });
  for (const id of ['granularity', 'nodecount', 'nodefraction', 'paths-top', 'normalize', 'noinlines', 'raw-names']) {
    $(`#${id}`).addEventListener('change', () => page.recompute());
  }
  $('#nodefraction').addEventListener('keydown', (event) => {
    if (event.key === 'Enter') page.recompute();
  });
  $('#show-text').addEventListener('change', (event) => {
    page.state.showText = event.target.checked;
    page.renderView();
  });
}

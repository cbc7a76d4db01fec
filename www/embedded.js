// Profiles embedded in the page by `profdiff web` / `profdiff html` (the CLI writes them into a
// <script type="application/json" id="profdiff-embedded"> data block, which never runs): read at
// start-up, with the view preset as fragment keys (hash.js, url-state.js), and named in a banner.
// Loading them into the slots is slots.js's loadEmbedded.
import { h, $ } from './dom.js';

function fromBase64(text) {
  if (typeof Uint8Array.fromBase64 === 'function') return Uint8Array.fromBase64(text);
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function profilesOf(list) {
  if (!Array.isArray(list)) return [];
  return list
    .filter((p) => p && typeof p.name === 'string' && typeof p.base64 === 'string')
    .map((p) => ({
      name: p.name,
      time: typeof p.time === 'string' ? p.time : '',
      sizeText: typeof p.sizeText === 'string' ? p.sizeText : '',
      bytes: fromBase64(p.base64),
    }));
}

/**
 * The embedded profiles, or null when the page has none: { command, created, labelsStripped,
 * fragment (the preset as fragment text), slots: { a: [{name, time, sizeText, bytes}], b: [...] } }.
 */
export function readEmbedded() {
  const block = document.getElementById('profdiff-embedded');
  if (!block) return null;
  let data;
  try {
    data = JSON.parse(block.textContent);
  } catch {
    return null;
  }
  if (!data || data.schemaVersion !== 1 || !data.slots) return null;
  const slots = { a: profilesOf(data.slots.a), b: profilesOf(data.slots.b) };
  if (slots.a.length === 0 && slots.b.length === 0) return null;
  const params = data.params && typeof data.params === 'object' ? data.params : {};
  const pairs = Object.entries(params).filter(([, v]) => typeof v === 'string');
  return {
    command: String(data.command || 'profdiff'),
    created: String(data.created || ''),
    labelsStripped: Boolean(data.labelsStripped),
    fragment: new URLSearchParams(pairs).toString(),
    slots,
  };
}

/** Says, above the slots, that the profiles are embedded in this file: names, times, sizes. */
export function showEmbedded(embedded) {
  const items = [];
  for (const slot of ['a', 'b']) {
    for (const p of embedded.slots[slot]) {
      const details = [p.time, p.sizeText].filter(Boolean).join(', ');
      items.push(h('li', { dataset: { slot } },
        h('b', null, slot.toUpperCase()), ' ',
        h('span', { class: 'embedded-name' }, p.name),
        details ? ` (${details})` : ''));
    }
  }
  const what = `Profiles embedded in this file by ${embedded.command}${embedded.created ? ` on ${embedded.created}` : ''}`;
  const note = h('section', { class: 'embedded-note', id: 'embedded', 'aria-label': 'Embedded profiles' },
    h('span', { class: 'note-icon', 'aria-hidden': 'true' }, 'i'),
    h('span', null, what, embedded.labelsStripped ? ', sample labels removed' : '', ':'),
    h('ul', null, items));
  $('.slots').before(note);
}

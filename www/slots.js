// The two slots (A baseline, B new): loading files into them (several files merge), the pair
// and the bundled example, clearing, swapping, and the slot cards (#slot-a, #slot-b).
import { setText, $, $$ } from './dom.js';
import { toPlainError } from './client.js';
import { loadProgress, showProgress } from './progress.js';
import { stageThroughInflater } from './inflater.js';

export const SLOTS = ['a', 'b'];

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

function setSlot(state, slot, summary, { relabel = true } = {}) {
  state.slots[slot] = summary;
  if (relabel) state.labels[slot] = summary ? defaultLabel(summary) : '';
}

/** Marks slots as loading while `fn` runs. */
async function withLoading(page, slots, fn) {
  for (const slot of slots) page.state.loading[slot] = true;
  page.renderChrome();
  try {
    await fn();
  } finally {
    for (const slot of slots) page.state.loading[slot] = false;
    page.renderChrome();
  }
}

function readError(names, e) {
  return { name: 'ReadError', message: `${names[0] || 'file'}: reading file: ${e && e.message ? e.message : e}` };
}

/** Decodes into `slot` with the inflater's help when it can give it, else in the main worker
 *  alone; resolves with the slot summary. */
async function decodeInto(page, slot, names, buffers, onProgress) {
  const files = names.map((name, i) => ({ name, bytes: buffers[i] }));
  if (await stageThroughInflater(page.client, files, onProgress)) {
    return page.client.call('loadStaged', [slot]);
  }
  return page.client.call('load', [slot, names, buffers], {
    transfer: buffers.map((b) => b.buffer),
    onProgress,
  });
}

/** Two files decoded as a pair, the earlier profile in A; resolves with {a, b} summaries. */
async function decodePair(page, names, buffers, onProgress) {
  const files = names.map((name, i) => ({ name, bytes: buffers[i] }));
  if (await stageThroughInflater(page.client, files, onProgress)) {
    return page.client.call('loadStagedPair');
  }
  return page.client.call('loadPair', [names, buffers], {
    transfer: buffers.map((b) => b.buffer),
    onProgress,
  });
}

/** Loads `files` into one slot (several files merge). */
export function loadInto(page, slot, files) {
  const { state } = page;
  if (files.length === 0) return Promise.resolve();
  return page.run(() => withLoading(page, [slot], async () => {
    const bothBefore = Boolean(state.slots.a && state.slots.b);
    const names = files.map((f) => f.name);
    let buffers;
    try {
      buffers = await readFiles(files);
    } catch (e) {
      state.errors[slot] = readError(names, e);
      page.renderChrome();
      return;
    }
    try {
      const summary = await decodeInto(page, slot, names, buffers, loadProgress(names));
      setSlot(state, slot, summary);
      state.sources[slot] = { files };
      state.errors[slot] = null;
      state.example = false;
    } catch (e) {
      // The slot keeps its previous profile, and the view stays as it is.
      state.errors[slot] = toPlainError(e);
      page.renderChrome();
      return;
    }
    page.chooseView(bothBefore);
    page.applyPending();
    await page.refreshAll();
  }));
}

/** Two files at once: the worker puts the earlier one in A. */
export function loadPair(page, files, errorSlot = 'a') {
  const { state } = page;
  return page.run(() => withLoading(page, SLOTS, async () => {
    const names = files.map((f) => f.name);
    let buffers;
    try {
      buffers = await readFiles(files);
    } catch (e) {
      state.errors[errorSlot] = readError(names, e);
      page.renderChrome();
      return;
    }
    try {
      const pair = await decodePair(page, names, buffers, loadProgress(names, { pair: true }));
      setSlot(state, 'a', pair.a);
      setSlot(state, 'b', pair.b);
      // The worker put the earlier profile in A; the summaries name the files.
      const first = (pair.a.files || [])[0] === names[0] ? 0 : 1;
      state.sources.a = { files: [files[first]] };
      state.sources.b = { files: [files[1 - first]] };
      state.errors.a = null;
      state.errors.b = null;
      state.example = false;
    } catch (e) {
      state.errors[errorSlot] = toPlainError(e);
      page.renderChrome();
      return;
    }
    state.view = 'compare';
    page.applyPending();
    await page.refreshAll();
  }));
}

export function loadExample(page) {
  const { state } = page;
  return page.run(() => withLoading(page, SLOTS, async () => {
    showProgress('decoding', 'the example');
    const pair = await page.client.call('loadExample', [], { onProgress: loadProgress([], { pair: true }) });
    setSlot(state, 'a', pair.a);
    setSlot(state, 'b', pair.b);
    state.sources = { a: { example: 'a' }, b: { example: 'b' } };
    state.errors.a = null;
    state.errors.b = null;
    state.example = true;
    state.view = 'compare';
    page.applyPending();
    await page.refreshAll();
  }));
}

/** Profiles embedded in the page (embedded.js): `bySlot` = { a: [{name, bytes}], b: [...] }, each
 *  slot as given, then the preset view (waiting in page.pending, as a link's fragment does). */
export function loadEmbedded(page, bySlot) {
  const { state } = page;
  return page.run(() => withLoading(page, SLOTS, async () => {
    for (const slot of SLOTS) {
      const files = bySlot[slot] || [];
      if (files.length === 0) continue;
      const names = files.map((f) => f.name);
      // Copies move to the worker; the page keeps the bytes to reload a restarted worker.
      const buffers = files.map((f) => f.bytes.slice());
      try {
        const summary = await page.client.call('load', [slot, names, buffers], {
          transfer: buffers.map((b) => b.buffer),
          onProgress: loadProgress(names),
        });
        setSlot(state, slot, summary);
        state.sources[slot] = { embedded: files };
        state.errors[slot] = null;
      } catch (e) {
        state.errors[slot] = toPlainError(e);
      }
    }
    page.chooseView(false);
    page.applyPending();
    await page.refreshAll();
  }));
}

function clearSlot(page, slot) {
  const { state } = page;
  return page.run(async () => {
    await page.client.call('clear', [slot]);
    setSlot(state, slot, null);
    state.sources[slot] = null;
    state.errors[slot] = null;
    state.example = false;
    page.chooseView(Boolean(state.slots.a && state.slots.b));
    if (!state.slots.a && !state.slots.b) page.closePeek();
    await page.refreshAll();
  });
}

export function swapSlots(page) {
  const { state } = page;
  if (!(state.slots.a || state.slots.b)) return Promise.resolve();
  return page.run(async () => {
    const pair = await page.client.call('swap');
    state.slots.a = pair.a || null;
    state.slots.b = pair.b || null;
    state.labels = { a: state.labels.b, b: state.labels.a };
    state.sources = { a: state.sources.b, b: state.sources.a };
    state.errors = { a: null, b: null };
    state.example = false;
    if (state.view === 'top-a') state.view = 'top-b';
    else if (state.view === 'top-b') state.view = 'top-a';
    await page.refreshAll();
  });
}

/** The type and total a slot card shows: the selected type when the slot is one file that has
 *  it, else the slot's default type. */
function slotTypeTotal(state, s) {
  if (state.sampleIndex && (s.sampleTypes || []).includes(state.sampleIndex) && s.profiles && s.profiles.length === 1) {
    const t = (s.profiles[0].sampleTypes || []).find((x) => x.type === state.sampleIndex);
    if (t) return { type: `${t.type} (${t.unit})`, total: t.totalText };
  }
  const d = s.profiles && s.profiles.length === 1
    ? (s.profiles[0].sampleTypes || []).find((x) => x.type === s.defaultSampleType) : null;
  return { type: d ? `${d.type} (${d.unit})` : s.defaultSampleType, total: s.totalText };
}

export function renderSlot(page, slot) {
  const { state } = page;
  const s = state.slots[slot];
  const card = $(`#slot-${slot}`);
  card.dataset.loaded = s ? 'true' : 'false';
  card.dataset.busy = state.loading[slot] ? 'true' : 'false';
  const files = $(`#files-${slot}`);
  setText(files, s ? s.files.join(', ') : '');
  if (s) files.setAttribute('title', s.files.join('\n'));
  else files.removeAttribute('title');
  const tt = s ? slotTypeTotal(state, s) : { type: '', total: '' };
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

/** File inputs, pick/clear buttons, labels, the example and swap buttons. */
export function wireSlots(page) {
  for (const slot of SLOTS) {
    const input = $(`#file-${slot}`);
    input.addEventListener('change', () => {
      const files = Array.from(input.files || []);
      input.value = ''; // choosing the same file again fires change again
      loadInto(page, slot, files);
    });
    $(`#clear-${slot}`).addEventListener('click', () => clearSlot(page, slot));
    for (const button of $$(`[data-pick="${slot}"]`)) button.addEventListener('click', () => input.click());
    const label = $(`#label-${slot}`);
    label.addEventListener('input', () => {
      page.state.labels[slot] = label.value;
      page.renderTabs();
    });
    label.addEventListener('change', () => {
      page.renderView();
      page.renderPeekPanel();
    });
  }
  $('#load-example').addEventListener('click', () => loadExample(page));
  $('#load-example-empty').addEventListener('click', () => loadExample(page));
  $('#swap').addEventListener('click', () => swapSlots(page));
}

/** Loads every slot again from its kept source into a new worker; returns the slots reloaded.
 *  Labels stay as the user left them. */
export async function reloadSources(page) {
  const { state } = page;
  const sources = { ...state.sources };
  const reloaded = [];
  if (SLOTS.some((slot) => sources[slot] && sources[slot].example)) {
    const pair = await page.client.call('loadExample', []);
    const given = { a: pair.a, b: pair.b };
    // After a swap, A holds the example's B.
    if (sources.a && sources.a.example === 'b') {
      await page.client.call('swap');
      [given.a, given.b] = [given.b, given.a];
    }
    for (const slot of SLOTS) {
      if (sources[slot] && sources[slot].example) {
        setSlot(state, slot, given[slot], { relabel: false });
        reloaded.push(slot);
      } else {
        await page.client.call('clear', [slot]);
      }
    }
  }
  for (const slot of SLOTS) {
    const source = sources[slot];
    if (!source || source.example) continue;
    const kept = source.files || source.embedded;
    const names = kept.map((f) => f.name);
    const buffers = source.files ? await readFiles(source.files) : kept.map((f) => f.bytes.slice());
    const summary = await page.client.call('load', [slot, names, buffers], {
      transfer: buffers.map((b) => b.buffer),
      onProgress: loadProgress(names),
    });
    setSlot(state, slot, summary, { relabel: false });
    reloaded.push(slot);
  }
  for (const slot of SLOTS) if (!sources[slot]) setSlot(state, slot, null, { relabel: false });
  return reloaded;
}

// The series: several profiles of one process taken over time (#file-series, the Series drop
// zone, or three or more files dropped on the page at once), kept apart for the Trend view. Its
// summary lives in state.slots.series, so the views' generic code (sample types, heap note)
// reads it like a slot; "compare first and last" loads those two snapshots as A and B.
import { setText, $ } from './dom.js';
import { toPlainError } from './client.js';
import { loadProgress, showProgress } from './progress.js';

function readError(names, e) {
  return { name: 'ReadError', message: `${names[0] || 'file'}: reading file: ${e && e.message ? e.message : e}` };
}

/** Loads `files` as the series (the core orders them by time and refuses mixed kinds). */
export function loadSeries(page, files) {
  const { state } = page;
  if (files.length === 0) return Promise.resolve();
  return page.run(async () => {
    state.loading.series = true;
    page.renderChrome();
    try {
      const names = files.map((f) => f.name);
      let buffers;
      try {
        showProgress('reading', `${files.length} files`);
        buffers = await Promise.all(files.map(async (f) => new Uint8Array(await f.arrayBuffer())));
      } catch (e) {
        state.errors.series = readError(names, e);
        return;
      }
      try {
        state.slots.series = await page.client.call('loadSeries', [names, buffers], {
          transfer: buffers.map((b) => b.buffer),
          onProgress: loadProgress(names),
        });
        state.errors.series = null;
      } catch (e) {
        // The previous series, if any, stays.
        state.errors.series = toPlainError(e);
        return;
      }
      state.view = 'trend';
      page.applyPending();
      await page.refreshAll();
    } finally {
      state.loading.series = false;
      page.renderChrome();
    }
  });
}

function clearSeries(page) {
  const { state } = page;
  return page.run(async () => {
    await page.client.call('clearSeries', []);
    state.slots.series = null;
    state.errors.series = null;
    page.chooseView(Boolean(state.slots.a && state.slots.b));
    await page.refreshAll();
  });
}

/** The series' first and last snapshots (in the trend's order) become A and B: Compare. */
export function compareFirstLast(page) {
  const { state } = page;
  if (!state.slots.series) return Promise.resolve();
  return page.run(async () => {
    const pair = await page.client.call('compareFirstLast', [{}]);
    const stem = (name) => name.replace(/\.(pb\.gz|pprof|pb|gz|prof)$/i, '');
    for (const slot of ['a', 'b']) {
      state.slots[slot] = pair[slot];
      state.labels[slot] = stem(pair[slot].files[0]);
      state.errors[slot] = null;
    }
    state.example = false;
    state.view = 'compare';
    await page.refreshAll();
  });
}

export function renderSeriesSlot(page) {
  const { state } = page;
  const s = state.slots.series;
  const card = $('#slot-series');
  card.dataset.loaded = s ? 'true' : 'false';
  card.dataset.busy = state.loading.series ? 'true' : 'false';
  const files = $('#files-series');
  setText(files, s ? s.files.join(', ') : '');
  if (s) files.setAttribute('title', s.files.join('\n'));
  else files.removeAttribute('title');
  setText($('#count-series'), s ? String(s.count) : '');
  setText($('#type-series'), s ? s.defaultSampleType : '');
  $('#clear-series').hidden = !s;
  const err = $('#error-series');
  const e = state.errors.series;
  err.hidden = !e;
  setText(err, e ? e.message : '');
  if (e) err.dataset.kind = e.name;
  else delete err.dataset.kind;
}

/** The file input, pick and clear buttons. */
export function wireSeries(page) {
  const input = $('#file-series');
  input.addEventListener('change', () => {
    const files = Array.from(input.files || []);
    input.value = ''; // choosing the same files again fires change again
    loadSeries(page, files);
  });
  for (const button of document.querySelectorAll('[data-pick="series"]')) {
    button.addEventListener('click', () => input.click());
  }
  $('#clear-series').addEventListener('click', () => clearSeries(page));
}

// Exports: the view on screen copied as text, Markdown, CSV or JSON (the CLI's --format output),
// the diff profile (.pb.gz) and the HTML report, each through the worker; #toast confirms.
import { h, setText, $, $$ } from './dom.js';
import { toPlainError } from './client.js';
import { currentOptions } from './controls.js';
import { viewDef } from './views/index.js';

const FORMAT_NAMES = { text: 'text', markdown: 'Markdown', csv: 'CSV', json: 'JSON' };

let toastTimer = 0;

export function toast(message, kind = 'ok') {
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

function copyView(page, format) {
  const view = page.state.view;
  const def = viewDef(view);
  if (!def || !def.exportText) return Promise.resolve();
  return page.run(async () => {
    let text;
    try {
      text = await def.exportText(page.client, currentOptions(page, view), format);
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
      ? `Copied ${def.title} as ${FORMAT_NAMES[format]}`
      : `${def.title} as ${FORMAT_NAMES[format]} is ready, but the clipboard refused it`, copied ? 'ok' : 'error');
  });
}

/** Saves `blob` as `name` through a temporary link (no network: a blob: URL). */
export function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

function downloadDiff(page) {
  const { slots } = page.state;
  if (!(slots.a && slots.b)) return Promise.resolve();
  return page.run(async () => {
    try {
      const bytes = await page.client.call('diffProfile', [currentOptions(page, 'compare')]);
      download(new Blob([bytes], { type: 'application/octet-stream' }), 'profdiff-diff.pb.gz');
      toast('Saved profdiff-diff.pb.gz: open it with go tool pprof');
    } catch (e) {
      toast(toPlainError(e).message, 'error');
    }
  });
}

function saveReport(page) {
  const { slots } = page.state;
  if (!(slots.a || slots.b)) return Promise.resolve();
  return page.run(async () => {
    try {
      const view = slots.a && slots.b ? 'compare' : slots.a ? 'top-a' : 'top-b';
      const html = await page.client.call('reportHtml', [currentOptions(page, view)]);
      download(new Blob([html], { type: 'text/html;charset=utf-8' }), 'profdiff-report.html');
      toast('Saved profdiff-report.html');
    } catch (e) {
      toast(toPlainError(e).message, 'error');
    }
  });
}

/** Enables the export buttons that apply to what is loaded and on screen. */
export function renderExportButtons(page) {
  const { slots, view } = page.state;
  const def = viewDef(view);
  $('#download-diff').disabled = !(slots.a && slots.b);
  $('#save-report').disabled = !(slots.a || slots.b);
  for (const b of $$('[data-export]')) b.disabled = !(def && def.exportText);
}

export function wireExports(page) {
  for (const button of $$('[data-export]')) {
    button.addEventListener('click', () => copyView(page, button.dataset.export));
  }
  $('#download-diff').addEventListener('click', () => downloadDiff(page));
  $('#save-report').addEventListener('click', () => saveReport(page));
}

// The callers/callees panel (#peek): which function it shows, its Back history, and the worker
// call that fills it; views/peek.js draws it. It follows the shared controls and filters, and
// is refreshed with the view (page.refreshAll).
import { clear, $ } from './dom.js';
import { toPlainError } from './client.js';
import { peekOptions } from './controls.js';
import { focusPathsOn } from './filters.js';
import { renderPeek } from './views/peek.js';

let peekGeneration = 0; // the newest panel request; older replies are dropped

function anyLoaded(state) {
  return Boolean(state.slots.a || state.slots.b);
}

/** Opens the panel on `name`; `push` keeps the current function for Back. */
export function openPeek(page, name, { push = true } = {}) {
  if (!anyLoaded(page.state) || !name) return Promise.resolve();
  const p = page.state.peek;
  if (!p.open) p.history = [];
  else if (push && p.name && p.name !== name) p.history.push(p.name);
  if (!p.open || p.name !== name) {
    p.report = null;
    p.error = null;
  }
  p.open = true;
  p.name = name;
  renderPeekPanel(page);
  return page.run(() => refreshPeek(page));
}

export async function refreshPeek(page) {
  const p = page.state.peek;
  if (!p.open) return;
  if (!anyLoaded(page.state)) {
    closePeek(page);
    return;
  }
  const g = ++peekGeneration;
  const name = p.name;
  let report = null;
  let error = null;
  try {
    report = await page.client.call('peek', [name, peekOptions(page)]);
  } catch (e) {
    error = toPlainError(e);
  }
  if (g !== peekGeneration || !p.open) return;
  p.report = report;
  p.error = error;
  renderPeekPanel(page);
}

export function peekBack(page) {
  const p = page.state.peek;
  if (!p.open || p.history.length === 0) return;
  const name = p.history.pop();
  p.name = name;
  p.report = null;
  page.selectName(name);
  renderPeekPanel(page);
  page.run(() => refreshPeek(page));
}

export function closePeek(page) {
  const p = page.state.peek;
  const hadFocus = $('#peek').contains(document.activeElement);
  p.open = false;
  p.history = [];
  p.report = null;
  p.error = null;
  peekGeneration++;
  renderPeekPanel(page);
  if (hadFocus) $('#view').focus();
}

export function renderPeekPanel(page) {
  const { state } = page;
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
    onBack: () => peekBack(page),
    onClose: () => closePeek(page),
    onNavigate: (name) => {
      page.selectName(name);
      openPeek(page, name);
    },
    onFocusPaths: (name) => focusPathsOn(page, name),
    pair: Boolean(state.slots.a && state.slots.b),
    labels: state.labels,
  });
}

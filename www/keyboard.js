// Keyboard shortcuts (the #shortcuts dialog lists them). Keys typed into a field stay in it,
// except Escape and Enter in the search box. The view on screen sees each key first (its
// instance's optional keydown(event) returns true when it used it).
import { $ } from './dom.js';
import { applySearch } from './filters.js';
import { closePeek, openPeek, peekBack } from './peek-panel.js';
import { swapSlots } from './slots.js';
import { VIEWS } from './views/index.js';

function isEditable(t) {
  return Boolean(t) && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA' || t.isContentEditable);
}

function onKeydown(page, event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const dialog = $('#shortcuts');
  if (dialog.open) return; // the dialog handles Escape itself
  const { state } = page;
  const t = event.target;
  if (isEditable(t)) {
    if (t.id === 'search' && event.key === 'Escape') {
      event.preventDefault();
      if (t.value) {
        t.value = '';
        applySearch(page);
      }
      t.blur();
      $('#view').focus();
    } else if (t.id === 'search' && event.key === 'Enter') {
      applySearch(page);
      page.viewKeydown(event);
    }
    return;
  }
  if (page.viewKeydown(event)) return;
  const key = event.key;
  if (key === '/') {
    event.preventDefault();
    $('#search').focus();
    $('#search').select();
  } else if (key === '?') {
    event.preventDefault();
    dialog.showModal();
  } else if (/^[1-9]$/.test(key) && VIEWS[Number(key) - 1]) {
    page.setView(VIEWS[Number(key) - 1].id);
  } else if (key === 'j' || key === 'k') {
    event.preventDefault();
    page.moveSelection(key === 'j' ? 1 : -1);
  } else if (key === 'Enter') {
    if (t && t.closest && t.closest('button, a, summary, [role=button], tr.peek-edge')) return;
    event.preventDefault();
    if (!state.selected) page.moveSelection(1);
    if (state.selected) openPeek(page, state.selected);
  } else if (key === 'Escape') {
    if (state.peek.open) closePeek(page);
  } else if (key === 'Backspace') {
    if (state.peek.open && state.peek.history.length) {
      event.preventDefault();
      peekBack(page);
    }
  } else if (key === 's') {
    swapSlots(page);
  } else if (key === 't') {
    $('#show-text').click();
  }
}

/** The keyboard shortcuts and the shortcuts dialog. */
export function installKeyboard(page) {
  const dialog = $('#shortcuts');
  $('#shortcuts-button').addEventListener('click', () => dialog.showModal());
  $('#shortcuts-close').addEventListener('click', () => dialog.close());
  dialog.addEventListener('click', (event) => {
    if (event.target === event.currentTarget) event.currentTarget.close(); // the backdrop
  });
  document.addEventListener('keydown', (event) => onKeydown(page, event));
}

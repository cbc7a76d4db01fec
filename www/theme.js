// The theme toggle (#theme-toggle): auto → dark → light, kept in localStorage;
// document.documentElement.dataset.theme holds the mode (style.css reads it).
import { $ } from './dom.js';

const THEMES = ['auto', 'dark', 'light'];

function applyTheme(mode) {
  document.documentElement.dataset.theme = mode;
  const button = $('#theme-toggle');
  button.dataset.mode = mode;
  const next = THEMES[(THEMES.indexOf(mode) + 1) % THEMES.length];
  const what = mode === 'auto' ? 'follows the system' : mode;
  button.title = `Theme: ${what} (click for ${next})`;
  button.setAttribute('aria-label', `Theme: ${mode}`);
}

function cycleTheme() {
  const mode = THEMES[(THEMES.indexOf(document.documentElement.dataset.theme) + 1) % THEMES.length];
  applyTheme(mode);
  try {
    if (mode === 'auto') localStorage.removeItem('profdiff-theme');
    else localStorage.setItem('profdiff-theme', mode);
  } catch {
    // storage may be unavailable (file://, private mode); the toggle still works
  }
}

function storedTheme() {
  try {
    const t = localStorage.getItem('profdiff-theme');
    return THEMES.includes(t) ? t : 'auto';
  } catch {
    return 'auto';
  }
}

/** Applies the stored theme and wires the toggle. */
export function installTheme() {
  applyTheme(storedTheme());
  $('#theme-toggle').addEventListener('click', () => cycleTheme());
}

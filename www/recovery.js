// When the worker dies (a WebAssembly trap such as running out of memory, or an uncaught error),
// the page starts a new one, loads every slot again from what it kept of its source (the chosen
// File objects, the bundled example, or the embedded bytes) and redraws the view, saying so in
// #worker-notice. If the new worker dies while reloading, the slots are left empty with their
// error instead of trying again for ever.
import { setText, $ } from './dom.js';
import { WorkerClient, toPlainError } from './client.js';
import { SLOTS, reloadSources } from './slots.js';

let restarting = false;

/** A worker client whose death starts the recovery. */
export function newClient(page) {
  const client = new WorkerClient({ onDeath: (error) => restart(page, error) });
  // Compile the WebAssembly now, while the user picks files, not on the first load.
  client.call('init', ['main']).catch(() => {});
  client.call('warmUp').catch(() => {});
  return client;
}

function notice(text) {
  const el = $('#worker-notice');
  setText(el, text);
  el.hidden = !text;
}

async function restart(page, error) {
  const { state } = page;
  const why = toPlainError(error).message;
  page.client = newClient(page);
  page.resetView(); // views hold the client they were created with
  if (restarting) {
    // The reload itself killed the new worker: keep the page usable, without the slots.
    for (const slot of SLOTS) {
      if (!state.slots[slot]) continue;
      state.slots[slot] = null;
      state.sources[slot] = null;
      state.errors[slot] = { name: 'WorkerError', message: `${slot.toUpperCase()}: the worker stopped again while reloading it (${why}); load it again` };
    }
    notice(`The worker stopped again (${why}). The slots were emptied; load the files again.`);
    page.chooseView(false);
    return page.recompute();
  }
  restarting = true;
  notice(`The worker stopped (${why}). A new one is reloading the profiles…`);
  try {
    await page.run(async () => {
      const reloaded = await reloadSources(page);
      notice(reloaded.length
        ? `The worker stopped (${why}); a new one reloaded ${reloaded.map((s) => s.toUpperCase()).join(' and ')}.`
        : `The worker stopped (${why}); a new one was started.`);
      page.chooseView(Boolean(state.slots.a && state.slots.b));
      await page.refreshAll();
    });
  } finally {
    restarting = false;
  }
}

// Drag and drop: files dropped anywhere on the page (outside the slots) go to the first empty
// slot (one file), to A and B by profile time (two files), or become the series (three or
// more). Two files dropped on a slot also fill A and B; Shift or Alt merges them into that slot
// instead. More files on a slot merge. Files dropped on the Series card become the series.
import { $ } from './dom.js';
import { SLOTS, loadInto, loadPair } from './slots.js';
import { loadSeries } from './series.js';

let dragDepth = 0;

function hasFiles(event) {
  return Boolean(event.dataTransfer) && Array.from(event.dataTransfer.types || []).includes('Files');
}

function slotOf(target) {
  const el = target && target.closest ? target.closest('.slot') : null;
  return el ? el.dataset.slot : null;
}

function markDropTarget(slot) {
  for (const s of [...SLOTS, 'series']) $(`#slot-${s}`).classList.toggle('drop-target', s === slot);
}

function endDrag() {
  dragDepth = 0;
  document.body.classList.remove('dragging');
  markDropTarget(null);
}

function handleDrop(page, files, slot, merge) {
  if (files.length === 0) return;
  if (slot === 'series' || (!slot && files.length >= 3)) {
    loadSeries(page, files);
    return;
  }
  if (files.length === 2 && !(slot && merge)) {
    loadPair(page, files, slot || 'a');
    return;
  }
  if (slot) {
    loadInto(page, slot, files);
    return;
  }
  if (files.length === 1) {
    loadInto(page, page.state.slots.a ? 'b' : 'a', files);
    return;
  }
}

export function installDragDrop(page) {
  document.addEventListener('dragenter', (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    dragDepth++;
    document.body.classList.add('dragging');
    markDropTarget(slotOf(event.target));
  });

  document.addEventListener('dragover', (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    markDropTarget(slotOf(event.target));
  });

  document.addEventListener('dragleave', (event) => {
    if (!hasFiles(event)) return;
    dragDepth--;
    if (dragDepth <= 0) endDrag();
  });

  document.addEventListener('drop', (event) => {
    if (!event.dataTransfer) return;
    event.preventDefault();
    const files = Array.from(event.dataTransfer.files || []);
    const slot = slotOf(event.target);
    endDrag();
    handleDrop(page, files, slot, event.shiftKey || event.altKey);
  });
}

// The progress line while the worker reads, decodes and aggregates (#progress[data-stage]).
import { setText, $, $$ } from './dom.js';

const STAGE_TEXT = {
  reading: 'Reading',
  inflating: 'Inflating',
  decoding: 'Decoding',
  resolving: 'Resolving',
  merging: 'Merging',
  aggregating: 'Aggregating',
};

export function showProgress(stage, detail) {
  const progressEl = $('#progress');
  progressEl.hidden = false;
  progressEl.dataset.stage = stage;
  const steps = $$('.progress-steps li', progressEl);
  const current = steps.findIndex((li) => li.dataset.step === stage);
  steps.forEach((li, i) => {
    li.classList.toggle('done', current >= 0 && i < current);
    li.classList.toggle('current', i === current);
  });
  setText($('#progress-text'), `${STAGE_TEXT[stage] || stage}${detail ? ' ' + detail : ''}…`);
}

export function hideProgress() {
  const progressEl = $('#progress');
  progressEl.hidden = true;
  delete progressEl.dataset.stage;
}

/** Progress of a load. For a pair each file is decoded on its own (fileCount 1), so the file
 *  cannot be named from the index. */
export function loadProgress(names, { pair = false } = {}) {
  return (stage, fileIndex, fileCount) => {
    const name = pair ? '' : names[fileIndex] !== undefined ? names[fileIndex] : '';
    const of = fileCount > 1 ? ` (${fileIndex + 1}/${fileCount})` : '';
    showProgress(stage, `${name}${of}`);
  };
}

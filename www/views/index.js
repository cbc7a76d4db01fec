// The page's views, in tab order: a view's tab and its key (1, 2, …) come from its position here.
// A view is one module under views/ exporting a view definition (the interface is described in
// www/README.md, "Adding a view"); to add one, import it and list it below.
import { topA, topB } from './top-table.js';
import { compare } from './compare-table.js';
import { paths } from './paths.js';
import { flame } from './flame.js';
import { memory } from './memory.js';
import { trend } from './trend.js';

export const VIEWS = [topA, topB, compare, paths, flame, memory, trend];

/** The definition of view `id`, or null. */
export function viewDef(id) {
  return VIEWS.find((v) => v.id === id) || null;
}

/** The fragment keys the views keep their own state in (added to hash.js's HASH_KEYS). */
export function viewHashKeys() {
  return Object.assign({}, ...VIEWS.map((v) => v.hashKeys || {}));
}

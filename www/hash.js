// The view state in the URL fragment, as URLSearchParams: `#view=compare&si=alloc_space&g=lines`.
// Only view settings go in; the profiles never do. `#example` (a key without a value) loads the
// bundled pair.

/** Fragment keys and what they hold. */
export const HASH_KEYS = {
  example: 'the bundled example pair is loaded (load it)',
  view: 'a view id (views/index.js): top-a | top-b | compare | paths | …',
  si: 'sample type (sample index)',
  g: 'granularity',
  sort: 'flat | cum (the report order)',
  cs: 'column sort of the view: COL:asc | COL:desc',
  n: 'node count',
  nf: 'node fraction',
  top: 'paths: how many call paths',
  norm: '1: scale A to B',
  noinl: '1: no inlines',
  raw: '1: raw names',
  focus: 'filter', ignore: 'filter', hide: 'filter', show: 'filter', show_from: 'filter',
  tagfocus: 'filter', tagignore: 'filter',
  sel: 'selected function',
  q: 'quick search',
};

/** The filters, in the core's option names (camelCase) by fragment/input name. */
export const FILTERS = {
  focus: 'focus',
  ignore: 'ignore',
  hide: 'hide',
  show: 'show',
  show_from: 'showFrom',
  tagfocus: 'tagfocus',
  tagignore: 'tagignore',
};

/** Parses a fragment (with or without '#') into { key: value }; flags get ''. Keys not in
 *  `keys` (HASH_KEYS and the views' own) are dropped. */
export function parseHash(hash, keys = HASH_KEYS) {
  const text = (hash || '').replace(/^#/, '');
  const out = {};
  if (!text) return out;
  for (const [key, value] of new URLSearchParams(text)) {
    if (Object.prototype.hasOwnProperty.call(keys, key)) out[key] = value;
  }
  return out;
}

// Characters a fragment may carry as they are (RFC 3986 pchar minus the separators & = +), so
// regexps like ^main\.(*T)$ stay readable in the address bar.
const KEEP = /%(2F|3A|40|24|2C|3B|5E|7C|5B|5D)/g;

function encode(value) {
  return encodeURIComponent(value).replace(KEEP, (m) => decodeURIComponent(m));
}

/** Builds a fragment (without '#') from ordered [key, value] pairs; '' and null values are left
 *  out, `true` writes a flag. */
export function formatHash(pairs) {
  const parts = [];
  for (const [key, value] of pairs) {
    if (value === null || value === undefined || value === '' || value === false) continue;
    parts.push(value === true ? key : `${key}=${encode(String(value))}`);
  }
  return parts.join('&');
}

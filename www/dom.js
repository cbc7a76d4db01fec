// Element helpers. Strings that come from a profile reach the DOM only as text nodes or
// textContent (and, for tooltips, through setAttribute); nothing here parses HTML.

/** Creates an element. attrs: `class`, `dataset` (object), `on` (event → handler), `hidden`,
 *  `disabled`, anything else through setAttribute. Children: strings become text nodes, nodes
 *  are appended, null/undefined/false are skipped, arrays are flattened. */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [key, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'class') el.className = value;
      else if (key === 'dataset') Object.assign(el.dataset, value);
      else if (key === 'on') for (const [ev, fn] of Object.entries(value)) el.addEventListener(ev, fn);
      else if (key === 'hidden' || key === 'disabled' || key === 'checked') el[key] = Boolean(value);
      else if (key.startsWith('on')) throw new Error(`h: use the "on" map, not attribute ${key}`);
      else el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

/** Appends children as `h` does. */
export function append(parent, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else if (child instanceof Node) parent.appendChild(child);
    else parent.appendChild(document.createTextNode(String(child)));
  }
  return parent;
}

/** Removes every child of `el`. */
export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

/** Sets `el`'s text (never markup). */
export function setText(el, text) {
  el.textContent = text === undefined || text === null ? '' : String(text);
  return el;
}

/** querySelector with a root. */
export function $(selector, root = document) {
  return root.querySelector(selector);
}

/** querySelectorAll as an array. */
export function $$(selector, root = document) {
  return Array.from(root.querySelectorAll(selector));
}

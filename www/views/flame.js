// Flame: the call tree as a flame graph on a canvas. Modes A, B, Diff (widths from B, or from A
// with the toggle; colour by the Δ of each frame's total) and Side by side (A | B, zoom, hover and
// focus synced by frame path). The core lays out only the frames wider than a fraction of a pixel
// at the current zoom (`flameView`) and keeps the tree between calls, so a zoom or a search is one
// small worker call; hover and keyboard moves redraw locally. Every number shown comes from the
// core (`flameFrame` formats a frame's values as the tables do); names are drawn as canvas text
// and reach the DOM only as text.
import { h, clear, setText, $ } from '../dom.js';
import { escapeRegExp } from '../filters.js';

const ROW_H = 18;
const LABEL_MIN_PX = 22;
const FONT = '12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace';

// Kept across tab switches (module scope); written to the fragment while the view is on screen.
const prefs = {
  mode: '', // 'a' | 'b' | 'diff' | 'side'; '' = the default for the loaded slots
  layoutA: false, // Diff: lay frames out on A's widths
  icicle: false,
  inverted: false,
  zoom: [], // names root → zoomed frame
  focus: null, // names root → focused frame, or null
  applied: false, // the fragment has been read once
};

let lastOpts = {}; // the options of the last fetch (zoom, search and frame calls reuse them)

/** Frame timings for `make bench` (bench/page.mjs reads window.profdiffFlameTimes). */
function recordTime(kind, ms) {
  const times = (window.profdiffFlameTimes = window.profdiffFlameTimes || []);
  times.push({ kind, ms });
  if (times.length > 2000) times.splice(0, times.length - 2000);
}

function loadedSlots() {
  return {
    a: $('#slot-a') && $('#slot-a').dataset.loaded === 'true',
    b: $('#slot-b') && $('#slot-b').dataset.loaded === 'true',
  };
}

/** The mode on screen: the preference when the loaded slots allow it, else the default. */
function effectiveMode() {
  const loaded = loadedSlots();
  const both = loaded.a && loaded.b;
  const m = prefs.mode;
  if (both && ['a', 'b', 'diff', 'side'].includes(m)) return m;
  if (both) return 'diff';
  return loaded.a ? 'a' : 'b';
}

function applyParams(params) {
  if (prefs.applied || !params) return;
  prefs.applied = true;
  if (params.fm) prefs.mode = params.fm;
  if (params.fz) prefs.zoom = parsePath(params.fz) || [];
  if (params.ff) prefs.focus = parsePath(params.ff);
  prefs.layoutA = params.fla === '1';
  prefs.icicle = params.fic === '1';
  prefs.inverted = params.finv === '1';
}

function parsePath(text) {
  try {
    const p = JSON.parse(text);
    return Array.isArray(p) && p.every((s) => typeof s === 'string') ? p : null;
  } catch {
    return null;
  }
}

function searchQuery() {
  const el = $('#search');
  return el ? el.value.trim() : '';
}

/** Whose widths each pane uses, for the mode. One loaded slot: the tree has one side, 'a'. */
function panesFor(mode) {
  const loaded = loadedSlots();
  if (!(loaded.a && loaded.b)) return [{ side: 'a', label: loaded.a ? 'A' : 'B', diff: false }];
  if (mode === 'side') return [{ side: 'a', label: 'A', diff: false }, { side: 'b', label: 'B', diff: false }];
  if (mode === 'diff') return [{ side: prefs.layoutA ? 'a' : 'b', label: 'Diff', diff: true }];
  return [{ side: mode, label: mode.toUpperCase(), diff: false }];
}

function viewRequest(side, width) {
  return {
    base: side,
    zoom: prefs.zoom,
    minFraction: 0.4 / Math.max(200, width),
    search: searchQuery(),
    maxMatches: 200,
    inverted: prefs.inverted,
  };
}

function viewWidth() {
  const v = $('#view');
  return Math.max(320, (v && v.clientWidth) || 1200);
}

async function fetchFlame(client, opts) {
  lastOpts = opts;
  // The first fetch comes before the view instance (and its ctx.params): read a link's state here.
  if (!prefs.applied) applyParams(Object.fromEntries(new URLSearchParams(location.hash.slice(1))));
  const started = performance.now();
  const mode = effectiveMode();
  const panes = panesFor(mode);
  const width = panes.length === 2 ? viewWidth() / 2 : viewWidth();
  const results = [];
  for (const p of panes) results.push(await client.call('flameView', [opts, viewRequest(p.side, width)]));
  return { mode, panes, results, started, zoomKey: JSON.stringify(prefs.zoom), inverted: prefs.inverted, layoutA: prefs.layoutA };
}

/** The Flame view (the view interface: views/index.js, www/README.md). */
export const flame = {
  id: 'flame',
  title: 'Flame',
  slots: ['a', 'b'],
  enabled: (loaded) => loaded.a || loaded.b,
  controls: ['pair'],
  hashKeys: { fm: 'flame: mode', fz: 'flame: zoom path', ff: 'flame: focused frame', fla: 'flame: lay out on A', fic: 'flame: icicle', finv: 'flame: inverted' },
  fetch: (client, opts) => fetchFlame(client, opts),
  exportText: (client, opts, format) =>
    client.call('exportFlame', [opts, { base: prefs.layoutA ? 'a' : 'b', minFraction: 0.0001, inverted: prefs.inverted }, format === 'json' ? 'json' : 'folded']),
  create: (ctx) => new FlameView(ctx),
};

/** Colour ramps: blue (shrank) ↔ grey ↔ orange-red (grew), Paul Tol's BuRd ends (safe for
 *  colour-blind readers); one warm colour per package in A, B and side by side. */
const NEUTRAL = [221, 221, 221];
const GREW = [214, 96, 77];
const SHRANK = [67, 147, 195];

function mix(t, end) {
  const c = NEUTRAL.map((n, i) => Math.round(n + (end[i] - n) * t));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

const packageColours = new Map();
function nameColour(name) {
  const dot = name.lastIndexOf('.');
  const pkg = dot > 0 ? name.slice(0, dot) : name;
  let c = packageColours.get(pkg);
  if (c) return c;
  let hash = 2166136261;
  for (let i = 0; i < pkg.length; i++) hash = Math.imul(hash ^ pkg.charCodeAt(i), 16777619) >>> 0;
  c = `rgb(${205 + (hash % 50)},${90 + ((hash >>> 8) % 120)},${40 + ((hash >>> 16) % 50)})`;
  packageColours.set(pkg, c);
  return c;
}

/** One canvas and its laid-out rows. */
class Pane {
  constructor(view, spec, data) {
    this.view = view;
    this.spec = spec;
    this.data = data;
    const r = data.rows;
    this.n = r.node.length;
    this.base = data.base === 'a' ? r.a : r.b;
    this.maxDepth = 0;
    for (let i = 0; i < this.n; i++) if (r.depth[i] > this.maxDepth) this.maxDepth = r.depth[i];
    // Rows of each depth, left to right (depth-first with siblings in order keeps x ascending).
    this.byDepth = Array.from({ length: this.maxDepth + 1 }, () => []);
    for (let i = 0; i < this.n; i++) this.byDepth[r.depth[i]].push(i);
    this.keys = null; // path key → row, built on first use
    this.maxDelta = 1;
    for (let i = data.ancestors; i < this.n; i++) {
      const d = Math.abs(r.b[i] - r.a[i]);
      if (d > this.maxDelta) this.maxDelta = d;
    }
    this.canvas = h('canvas', {
      dataset: { view: 'flame', side: spec.side, pane: spec.label.toLowerCase() },
      tabindex: '0',
      role: 'img',
      'aria-label': `Flame graph ${spec.label}: use the arrow keys to move between frames, Enter to zoom, Escape to zoom out`,
    });
    this.scroller = h('div', { class: 'flame-scroll' }, this.canvas, h('div', { class: 'flame-spacer' }));
    this.element = h('div', { class: 'flame-pane' }, h('div', { class: 'flame-pane-title' }, spec.label), this.scroller);
    this.textWidths = new Map();
  }

  name(i) {
    return this.data.names[this.data.rows.name[i]];
  }

  path(i) {
    const out = [];
    for (let j = i; j >= 0; j = this.data.rows.parent[j]) out.push(this.name(j));
    return out.reverse();
  }

  /** The row at the end of `path`, or -1. */
  find(path) {
    if (!path) return -1;
    if (!this.keys) {
      this.keys = new Map();
      const key = new Array(this.n);
      for (let i = 0; i < this.n; i++) {
        const p = this.data.rows.parent[i];
        key[i] = (p >= 0 ? key[p] + '\u0000' : '') + this.name(i);
        this.keys.set(key[i], i);
      }
    }
    const i = this.keys.get(path.join('\u0000'));
    return i === undefined ? -1 : i;
  }

  contentHeight() {
    return (this.maxDepth + 1) * ROW_H + 4;
  }

  /** Zooms to row z with the rows at hand, redrawn at once while the core lays out the new
   *  zoom at its finer detail (the frames culled at the old scale appear when it arrives). */
  preview(z) {
    const r = this.data.rows;
    let end = z + 1;
    while (end < this.n && r.depth[end] > r.depth[z]) end++;
    const anc = [];
    for (let p = r.parent[z]; p >= 0; p = r.parent[p]) anc.push(p);
    this.local = { z, end, anc, ancSet: new Set(anc), x0: r.x[z], w0: Math.max(1, this.base[z]) };
  }

  /** Rows drawn: all, or in a preview the zoomed row's ancestors and subtree. */
  drawnRows() {
    if (!this.local) return null;
    const { z, end, anc } = this.local;
    const out = anc.slice();
    for (let i = z; i < end; i++) out.push(i);
    return out;
  }

  /** Geometry of row i in CSS px of the content: [x, y, w]. */
  geom(i, width) {
    const r = this.data.rows;
    const span = Math.max(1, this.data.span);
    const l = this.local;
    const ancestor = l ? l.ancSet.has(i) : i < this.data.ancestors;
    let x = ancestor ? 0 : (r.x[i] / span) * width;
    let w = ancestor ? width : (Math.max(0, this.base[i]) / span) * width;
    if (l && !ancestor) {
      x = ((r.x[i] - l.x0) / l.w0) * width;
      w = (Math.max(0, this.base[i]) / l.w0) * width;
    }
    const d = r.depth[i];
    const y = prefs.icicle ? d * ROW_H : this.contentHeight() - (d + 1) * ROW_H;
    return [x, y, w];
  }

  layout() {
    const width = this.scroller.clientWidth || 600;
    // Viewport-sized: the canvas ends at the window's bottom edge; rows beyond it scroll.
    const top = this.scroller.getBoundingClientRect().top;
    const height = Math.min(this.contentHeight(), Math.max(240, Math.floor(window.innerHeight - Math.max(0, top) - 12)));
    this.cssW = width;
    this.cssH = height;
    const dpr = window.devicePixelRatio || 1;
    this.dpr = dpr;
    this.canvas.width = Math.round(width * dpr);
    this.canvas.height = Math.round(height * dpr);
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    this.scroller.style.height = `${height}px`;
    this.scroller.lastChild.style.height = `${Math.max(0, this.contentHeight() - height)}px`;
    if (!this.scrolled) {
      this.scrolled = true;
      this.scroller.scrollTop = prefs.icicle ? 0 : this.contentHeight();
    }
  }

  fill(i) {
    const r = this.data.rows;
    if (r.matched[i]) return 'rgb(222,0,222)';
    if (!this.spec.diff) return nameColour(this.name(i));
    const delta = r.b[i] - r.a[i];
    if (delta === 0) return mix(0, GREW);
    return mix(Math.min(1, Math.abs(delta) / this.maxDelta), delta > 0 ? GREW : SHRANK);
  }

  label(ctx, name, w) {
    const avail = w - 6;
    if (avail < LABEL_MIN_PX - 6) return '';
    const measure = (s) => {
      let m = this.textWidths.get(s);
      if (m === undefined) {
        m = ctx.measureText(s).width;
        if (this.textWidths.size > 20000) this.textWidths.clear();
        this.textWidths.set(s, m);
      }
      return m;
    };
    if (measure(name) <= avail) return name;
    let lo = 0;
    let hi = name.length;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (measure(name.slice(0, mid) + '…') <= avail) lo = mid;
      else hi = mid - 1;
    }
    return lo === 0 ? '' : name.slice(0, lo) + '…';
  }

  draw() {
    const t0 = performance.now();
    const ctx = this.canvas.getContext('2d');
    const dpr = this.dpr;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, this.cssW, this.cssH);
    ctx.font = FONT;
    ctx.textBaseline = 'middle';
    const top = this.scroller.scrollTop;
    const r = this.data.rows;
    const view = this.view;
    const hover = view.hoverPath ? this.find(view.hoverPath) : -1;
    const focus = prefs.focus ? this.find(prefs.focus) : -1;
    const px = 1 / dpr;
    const only = this.drawnRows();
    const count = only ? only.length : this.n;
    for (let k = 0; k < count; k++) {
      const i = only ? only[k] : k;
      const [x, y0, w] = this.geom(i, this.cssW);
      const y = y0 - top;
      if (y + ROW_H < 0 || y > this.cssH || w < px) continue;
      // Edges snapped to device pixels, a hairline gap between frames.
      const sx = Math.round(x * dpr) / dpr;
      const sw = Math.max(px, Math.round((x + w) * dpr) / dpr - sx - (w > 2 ? px : 0));
      ctx.globalAlpha = (this.local ? this.local.ancSet.has(i) : i < this.data.ancestors) ? 0.6 : 1;
      ctx.fillStyle = this.fill(i);
      ctx.fillRect(sx, y, sw, ROW_H - 1);
      if (this.spec.diff && r.matched[i] === 0) this.mark(ctx, i, sx, y, sw);
      if (sw >= LABEL_MIN_PX) {
        const text = this.label(ctx, this.name(i), sw);
        if (text) {
          ctx.fillStyle = '#111';
          ctx.fillText(text, sx + 3, y + ROW_H / 2);
        }
      }
    }
    ctx.globalAlpha = 1;
    // Hooks for tests and scripts: what is hovered and focused here, where the root row is.
    this.canvas.dataset.hover = hover >= 0 ? this.path(hover).join(';') : '';
    this.canvas.dataset.focus = focus >= 0 ? this.path(focus).join(';') : '';
    this.canvas.dataset.rootTop = String(Math.round((prefs.icicle ? 0 : this.contentHeight() - ROW_H) - top));
    for (const [i, colour, lw] of [[hover, '#000', 1.5], [focus, '#000', 2.5]]) {
      if (i < 0) continue;
      const [x, y0, w] = this.geom(i, this.cssW);
      ctx.strokeStyle = colour;
      ctx.lineWidth = lw;
      ctx.setLineDash([]);
      ctx.strokeRect(x + lw / 2, y0 - top + lw / 2, Math.max(1, w - lw), ROW_H - 1 - lw);
    }
    recordTime('draw', performance.now() - t0);
  }

  /** New in B: a hatch; gone from B: a dotted outline (more than hue, for colour-blind readers). */
  mark(ctx, i, x, y, w) {
    const r = this.data.rows;
    if (r.a[i] === 0 && r.b[i] !== 0) {
      ctx.save();
      ctx.beginPath();
      ctx.rect(x, y, w, ROW_H - 1);
      ctx.clip();
      ctx.strokeStyle = 'rgba(0,0,0,0.3)';
      ctx.lineWidth = 1;
      ctx.beginPath();
      for (let k = x - ROW_H; k < x + w; k += 6) {
        ctx.moveTo(k, y + ROW_H);
        ctx.lineTo(k + ROW_H, y);
      }
      ctx.stroke();
      ctx.restore();
    } else if (r.b[i] === 0 && r.a[i] !== 0) {
      ctx.strokeStyle = '#000';
      ctx.lineWidth = 1;
      ctx.setLineDash([2, 2]);
      ctx.strokeRect(x + 0.5, y + 0.5, Math.max(1, w - 1), ROW_H - 2);
      ctx.setLineDash([]);
    }
  }

  /** The row under a point in CSS px of the canvas, or -1 (binary search in the row's depth). */
  hit(cx, cy) {
    if (this.local) return -1; // a preview: the new layout is on its way
    const y = cy + this.scroller.scrollTop;
    const d = prefs.icicle ? Math.floor(y / ROW_H) : Math.floor((this.contentHeight() - y) / ROW_H);
    if (d < 0 || d > this.maxDepth) return -1;
    const rows = this.byDepth[d];
    let lo = 0;
    let hi = rows.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const [x, , w] = this.geom(rows[mid], this.cssW);
      if (cx < x) hi = mid - 1;
      else if (cx >= x + w) lo = mid + 1;
      else return rows[mid];
    }
    return -1;
  }
}

class FlameView {
  constructor(ctx) {
    this.ctx = ctx;
    applyParams(ctx.params);
    this.panes = [];
    this.hoverPath = null;
    this.frameSeq = 0;
    this.targetIndex = -1;
    this.onResize = () => this.redrawAll(true);
    window.addEventListener('resize', this.onResize);
  }

  dispose() {
    window.removeEventListener('resize', this.onResize);
    this.hideTooltip();
    if (this.tooltip) this.tooltip.remove();
  }

  hashPairs() {
    return [
      ['fm', prefs.mode],
      ['fz', prefs.zoom.length ? JSON.stringify(prefs.zoom) : ''],
      ['ff', prefs.focus ? JSON.stringify(prefs.focus) : ''],
      ['fla', prefs.layoutA ? '1' : ''],
      ['fic', prefs.icicle ? '1' : ''],
      ['finv', prefs.inverted ? '1' : ''],
    ];
  }

  render(report) {
    const c = this.ctx.container;
    if (!report) return;
    this.report = report;
    const mode = report.mode;
    const first = report.results[0];
    const both = first.sides === 2;
    this.toolbar = this.buildToolbar(mode, both);
    this.breadcrumb = h('nav', { id: 'flame-breadcrumb', class: 'flame-breadcrumb', 'aria-label': 'Zoom path' });
    this.share = h('span', { id: 'flame-search-share', class: 'flame-share', 'aria-live': 'polite' });
    this.legend = mode === 'diff' ? this.buildLegend(first) : null;
    this.details = h('section', { id: 'flame-details', class: 'flame-details', 'aria-live': 'polite' });
    this.panesBox = h('div', { class: `flame-panes${report.panes.length === 2 ? ' side' : ''}` });
    this.tooltip = this.tooltip || h('div', { class: 'flame-tooltip', role: 'tooltip', hidden: true });
    c.appendChild(h('div', { class: 'flame-view', dataset: { mode } },
      this.toolbar, h('div', { class: 'flame-sub' }, this.breadcrumb, this.share), this.legend, this.panesBox, this.details));
    document.body.appendChild(this.tooltip);
    this.setData(report.results, report.panes);
    recordTime('view', performance.now() - report.started);
    this.showDetails();
    // A report fetched before the view's own state changed (the coordinator redraws the last
    // one it has): lay out again for the state on screen.
    if (report.mode !== effectiveMode() || report.inverted !== prefs.inverted || report.layoutA !== prefs.layoutA) {
      this.refetch(true);
    } else if (report.zoomKey !== JSON.stringify(prefs.zoom)) {
      this.refetch(false);
    }
  }

  setData(results, specs) {
    clear(this.panesBox);
    this.panes = results.map((data, k) => new Pane(this, specs[k], data));
    for (const p of this.panes) {
      this.panesBox.appendChild(p.element);
      this.wirePane(p);
    }
    if (prefs.zoom.length && !results[0].zoomed) prefs.zoom = [];
    for (const p of this.panes) {
      Object.assign(p.canvas.dataset, {
        zoom: prefs.zoom.join(';'),
        rows: String(p.n),
        orientation: prefs.icicle ? 'icicle' : 'flame',
        inverted: prefs.inverted ? 'true' : 'false',
      });
      p.layout();
      p.draw();
    }
    this.renderBreadcrumb();
    this.renderShare();
    this.ctx.writeHash();
  }

  buildToolbar(mode, both) {
    const modeBtn = (m, text, title) => h('button', {
      type: 'button', class: `seg${m === mode ? ' active' : ''}`, dataset: { flameMode: m },
      'aria-pressed': m === mode ? 'true' : 'false', disabled: !both && m !== mode, title,
      on: { click: () => { prefs.mode = m; prefs.applied = true; this.refetch(true); } },
    }, text);
    const toggle = (id, text, key, title, disabled = false) => h('label', { class: 'flame-toggle', title },
      h('input', { type: 'checkbox', id, checked: prefs[key], disabled,
        on: { change: (e) => { prefs[key] = e.target.checked; if (key === 'inverted') { prefs.zoom = []; prefs.focus = null; } this.refetch(key !== 'icicle'); } } }), ' ', text);
    const exportBtn = (id, text, fn) => h('button', { type: 'button', class: 'link-btn', id, on: { click: fn } }, text);
    return h('div', { class: 'flame-toolbar' },
      h('div', { class: 'segmented', role: 'group', 'aria-label': 'Flame graph mode' },
        modeBtn('a', 'A', 'A alone'), modeBtn('b', 'B', 'B alone'),
        modeBtn('diff', 'Diff', 'B\'s frames coloured by the change from A'),
        modeBtn('side', 'Side by side', 'A | B, zoom, hover and focus synced')),
      toggle('flame-layout-a', 'Lay out on A', 'layoutA', 'Diff: widths from A, to see what vanished', mode !== 'diff'),
      toggle('flame-icicle', 'Icicle', 'icicle', 'Root at the top'),
      toggle('flame-inverted', 'Inverted', 'inverted', 'Bottom-up: leaf functions as roots, their callers above'),
      h('span', { class: 'flame-exports' }, 'Export: ',
        exportBtn('flame-png', 'PNG', () => this.exportPng()),
        exportBtn('flame-svg', 'SVG', () => this.exportText('svg')),
        exportBtn('flame-folded', 'folded', () => this.exportText('folded'))));
  }

  buildLegend(data) {
    const sw = (style, cls) => h('span', { class: `swatch ${cls || ''}`, style });
    const based = prefs.layoutA ? 'A' : 'B';
    return h('div', { class: 'flame-legend', id: 'flame-legend' },
      sw(`background:${mix(1, SHRANK)}`), ' shrank ',
      sw(`background:${mix(0.5, SHRANK)}`), sw(`background:${mix(0, GREW)}`), sw(`background:${mix(0.5, GREW)}`),
      sw(`background:${mix(1, GREW)}`), ' grew (Δ of the frame\'s total, against the largest |Δ| in view) · ',
      sw(`background:${mix(0.6, GREW)}`, 'hatched'), ' new in B · ',
      sw(`background:${mix(0.6, SHRANK)}`, 'dotted'), ` gone from B · widths: ${based}`,
      based === 'B' ? ' (frames only in A have no width: tick "Lay out on A")' : '',
      ` · ${data.labels[0]} ${data.totalTexts[0]} → ${data.labels[1]} ${data.totalTexts[1]}`);
  }

  wirePane(p) {
    const c = p.canvas;
    let down = null;
    c.addEventListener('mousemove', (e) => {
      const t0 = performance.now();
      const i = p.hit(e.offsetX, e.offsetY);
      const path = i >= 0 ? p.path(i) : null;
      const same = (path && this.hoverPath && path.join('\u0000') === this.hoverPath.join('\u0000')) || (!path && !this.hoverPath);
      if (!same) {
        this.hoverPath = path;
        for (const q of this.panes) q.draw();
        recordTime('hover', performance.now() - t0);
      }
      if (i >= 0) this.showTooltip(p, i, e.clientX, e.clientY);
      else this.hideTooltip();
    });
    c.addEventListener('mouseleave', () => {
      this.hoverPath = null;
      this.hideTooltip();
      for (const q of this.panes) q.draw();
    });
    c.addEventListener('mousedown', (e) => { down = [e.clientX, e.clientY]; });
    c.addEventListener('click', (e) => {
      if (down && Math.hypot(e.clientX - down[0], e.clientY - down[1]) > 4) return; // a drag
      const i = p.hit(e.offsetX, e.offsetY);
      if (i < 0) return;
      const path = p.path(i);
      prefs.focus = path;
      this.zoomTo(path);
    });
    p.scroller.addEventListener('scroll', () => {
      for (const q of this.panes) {
        if (q !== p && q.scroller.scrollTop !== p.scroller.scrollTop) q.scroller.scrollTop = p.scroller.scrollTop;
        q.draw();
      }
    });
  }

  showTooltip(p, i, cx, cy) {
    const tip = this.tooltip;
    const name = p.name(i);
    const path = p.path(i);
    const key = path.join('\u0000');
    tip.hidden = false;
    tip.style.left = `${Math.min(cx + 14, window.innerWidth - 380)}px`;
    tip.style.top = `${cy + 16}px`;
    if (this.tipKey === key) return;
    this.tipKey = key;
    clear(tip);
    tip.appendChild(h('div', { class: 'tip-name' }, name));
    const seq = ++this.frameSeq;
    this.ctx.client.call('flameFrame', [lastOpts, { zoom: path, inverted: prefs.inverted }]).then((d) => {
      if (seq !== this.frameSeq || !d || tip.hidden) return;
      tip.appendChild(this.frameTable(d, p.data.sides));
    }, () => {});
  }

  hideTooltip() {
    if (this.tooltip) this.tooltip.hidden = true;
    this.tipKey = null;
  }

  /** A frame's numbers as a small table (text only). */
  frameTable(d, sides) {
    const two = sides === 2;
    const labels = this.panes[0] ? this.panes[0].data.labels : ['A', 'B'];
    const row = (label, cells) => h('tr', null, h('th', { scope: 'row' }, label), cells.map(([col, text]) => h('td', { class: 'num', dataset: { col } }, text)));
    const head = two ? h('tr', null, h('th'), h('th', null, labels[0]), h('th', null, labels[1]), h('th', null, 'Δ'), h('th', null, 'Δ%'))
      : h('tr', null, h('th'), h('th', null, labels[0]), h('th', null, '% of total'));
    const total = two ? [['a', d.aText], ['b', d.bText], ['delta', d.deltaText], ['delta-pct', d.deltaPctText]] : [['a', d.aText], ['a-pct', d.aPct]];
    const self = two ? [['a-self', d.aSelfText], ['b-self', d.bSelfText], ['delta-self', d.deltaSelfText], ['delta-self-pct', d.deltaSelfPctText]] : [['a-self', d.aSelfText], ['', '']];
    return h('table', { class: 'flame-numbers' }, h('thead', null, head), h('tbody', null,
      row('total', total), row('self', self)),
    two && d.status ? h('caption', null, `${d.status} · A ${d.aPct} of A, B ${d.bPct} of B`) : null);
  }

  /** #flame-details: the focused frame, its numbers and its actions. */
  showDetails() {
    const box = this.details;
    if (!box) return;
    const focus = prefs.focus;
    if (!focus) {
      clear(box);
      delete box.dataset.name;
      delete box.dataset.path;
      box.appendChild(h('p', { class: 'muted' }, 'Click a frame to zoom to it; Enter or n in the search box focuses the matches; arrows move between frames.'));
      return;
    }
    const sides = this.panes[0] ? this.panes[0].data.sides : 1;
    this.ctx.run(async () => {
      let d = null;
      try {
        d = await this.ctx.client.call('flameFrame', [lastOpts, { zoom: focus, inverted: prefs.inverted }]);
      } catch {
        d = null;
      }
      if (focus !== prefs.focus) return;
      clear(box);
      if (!d) {
        delete box.dataset.name;
        box.appendChild(h('p', { class: 'muted' }, 'The focused frame is not in this graph.'));
        return;
      }
      box.dataset.name = d.name;
      box.dataset.path = d.path.join(';');
      box.appendChild(h('div', { class: 'flame-details-name' }, d.name));
      box.appendChild(this.frameTable(d, sides));
      const act = (id, text, fn) => h('button', { type: 'button', class: 'link-btn', id, on: { click: fn } }, text);
      const add = (filter) => () => {
        const input = $(`#filterbar input[name="${filter}"]`);
        const old = input ? input.value.trim() : '';
        const re = `^${escapeRegExp(d.name)}$`;
        this.ctx.setFilter(filter, old ? `${old}|${re}` : re);
      };
      box.appendChild(h('div', { class: 'flame-actions' },
        act('flame-peek', 'Callers/callees', () => this.ctx.onActivate(d.name)),
        sides === 2 ? act('flame-focus-paths', 'Focus paths on it', () => this.ctx.focusPaths(d.name)) : null,
        act('flame-add-focus', 'Add to focus', add('focus')),
        act('flame-add-ignore', 'Add to ignore', add('ignore')),
        act('flame-add-hide', 'Add to hide', add('hide'))));
    });
  }

  renderBreadcrumb() {
    const nav = this.breadcrumb;
    clear(nav);
    const crumb = (text, path, depth) => h('button', {
      type: 'button', class: 'crumb', dataset: { depth: String(depth) },
      on: { click: () => this.zoomTo(path) },
    }, text);
    nav.appendChild(crumb('all', [], -1));
    prefs.zoom.forEach((name, k) => {
      nav.appendChild(h('span', { class: 'crumb-sep', 'aria-hidden': 'true' }, '›'));
      nav.appendChild(crumb(name, prefs.zoom.slice(0, k + 1), k));
    });
    nav.dataset.depth = String(prefs.zoom.length);
  }

  renderShare() {
    const s = this.panes[0] && this.panes[0].data.search;
    setText(this.share, s ? s.shareText : '');
    this.share.hidden = !s;
  }

  /** Fetches the layout again (zoom, mode, toggles, search) and redraws. */
  refetch(rebuildChrome = false) {
    this.hideTooltip();
    if (rebuildChrome) {
      this.ctx.writeHash();
      // The coordinator recomputes through fetch: the toolbar follows the mode.
      const container = this.ctx.container;
      return this.ctx.run(async () => {
        const report = await fetchFlame(this.ctx.client, lastOpts);
        const err = container.querySelector('#view-error');
        clear(container);
        if (err) container.appendChild(err);
        this.render(report);
      });
    }
    this.lastRefetch = this.ctx.run(async () => {
      const t0 = performance.now();
      const specs = this.report.panes;
      const width = specs.length === 2 ? viewWidth() / 2 : viewWidth();
      const results = [];
      for (const p of specs) results.push(await this.ctx.client.call('flameView', [lastOpts, viewRequest(p.side, width)]));
      this.report = { ...this.report, results, zoomKey: JSON.stringify(prefs.zoom) };
      this.setData(results, specs);
      this.showDetails();
      recordTime('zoom', performance.now() - t0);
    });
    return this.lastRefetch;
  }

  zoomTo(path) {
    const t0 = performance.now();
    let previewed = false;
    for (const p of this.panes) {
      const i = p.find(path);
      if (i >= p.data.ancestors) {
        p.preview(i);
        p.draw();
        previewed = true;
      }
    }
    if (previewed) recordTime('zoom-redraw', performance.now() - t0);
    prefs.zoom = path;
    return this.refetch();
  }

  redrawAll(relayout) {
    for (const p of this.panes) {
      if (relayout) p.layout();
      p.draw();
    }
  }

  update(change) {
    if ('search' in change) {
      this.targetIndex = -1;
      this.refetch();
    }
  }

  /** The frame rows the keyboard moves through: the first pane's. */
  keydown(event) {
    const p = this.panes[0];
    if (!p) return false;
    const key = event.key;
    const inSearch = event.target && event.target.id === 'search';
    if (inSearch) {
      if (key === 'Enter') {
        event.preventDefault();
        // applySearch ran first; the new layout (and its matches) may still be coming.
        this.ctx.run(async () => { await this.pending(); this.nextMatch(); });
        return true;
      }
      return false;
    }
    if (key === 'n') {
      event.preventDefault();
      this.nextMatch();
      return true;
    }
    if (key === 'Escape' || key === 'Backspace') {
      if (!prefs.zoom.length) return false;
      event.preventDefault();
      this.zoomTo(prefs.zoom.slice(0, -1));
      return true;
    }
    const at = p.find(prefs.focus);
    if (key === 'Enter') {
      if (at < 0) return false;
      event.preventDefault();
      this.zoomTo(p.path(at));
      return true;
    }
    const moves = { ArrowUp: 'parent', ArrowDown: 'child', ArrowLeft: 'prev', ArrowRight: 'next' };
    if (!(key in moves)) return false;
    event.preventDefault();
    const next = this.moveFrom(p, at, moves[key]);
    if (next >= 0) this.setFocus(p.path(next));
    return true;
  }

  pending() {
    return this.lastRefetch || Promise.resolve();
  }

  moveFrom(p, at, how) {
    const r = p.data.rows;
    if (at < 0) {
      // Start at the heaviest root frame of the view.
      let best = -1;
      for (let i = 0; i < p.n; i++) if (r.parent[i] === -1 && (best < 0 || p.base[i] > p.base[best])) best = i;
      return best;
    }
    if (how === 'parent') return r.parent[at];
    if (how === 'child') {
      let best = -1;
      for (let i = at + 1; i < p.n && r.depth[i] > r.depth[at]; i++) {
        if (r.parent[i] === at && (best < 0 || p.base[i] > p.base[best])) best = i;
      }
      return best;
    }
    const siblings = [];
    for (let i = 0; i < p.n; i++) if (r.parent[i] === r.parent[at] && r.depth[i] === r.depth[at]) siblings.push(i);
    const k = siblings.indexOf(at) + (how === 'next' ? 1 : -1);
    return k >= 0 && k < siblings.length ? siblings[k] : -1;
  }

  setFocus(path) {
    prefs.focus = path;
    this.redrawAll(false);
    this.ctx.writeHash();
    this.showDetails();
  }

  nextMatch() {
    const p = this.panes[0];
    const s = p && p.data.search;
    if (!s || !s.targets.length) return;
    this.targetIndex = (this.targetIndex + 1) % s.targets.length;
    const path = s.targets[this.targetIndex].map((k) => p.data.names[k]);
    this.setFocus(path);
  }

  exportText(format) {
    const req = { base: prefs.layoutA ? 'a' : 'b', minFraction: 0.0001, inverted: prefs.inverted };
    return this.ctx.run(async () => {
      const text = await this.ctx.client.call('exportFlame', [lastOpts, req, format]);
      document.body.dataset.lastExport = text;
      document.body.dataset.lastExportFormat = format;
      document.body.dataset.lastExportView = 'flame';
      const type = format === 'svg' ? 'image/svg+xml' : 'text/plain';
      download(new Blob([text], { type }), format === 'svg' ? 'profdiff-flame.svg' : 'profdiff-flame.folded.txt');
    });
  }

  exportPng() {
    const canvases = this.panes.map((p) => p.canvas);
    const w = canvases.reduce((s, c) => s + c.width, 0);
    const hgt = Math.max(...canvases.map((c) => c.height));
    const out = document.createElement('canvas');
    out.width = w;
    out.height = hgt;
    const g = out.getContext('2d');
    g.fillStyle = '#fff';
    g.fillRect(0, 0, w, hgt);
    let x = 0;
    for (const c of canvases) {
      g.drawImage(c, x, 0);
      x += c.width;
    }
    const url = out.toDataURL('image/png');
    document.body.dataset.lastExport = url;
    document.body.dataset.lastExportFormat = 'png';
    document.body.dataset.lastExportView = 'flame';
    out.toBlob((blob) => { if (blob) download(blob, 'profdiff-flame.png'); }, 'image/png');
  }
}

function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

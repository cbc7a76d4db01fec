// Shared helpers of the browser tests: a tiny static server for www/, Debian's Chromium through
// playwright-core, the CLI as the oracle, DOM readers and a small profile.proto writer.
import { execFileSync, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const WWW = join(ROOT, 'www');
export const DIST = join(ROOT, 'dist', 'profdiff.html');
export const CLI = join(ROOT, 'target', 'release', 'profdiff');
export const FIXTURES = join(ROOT, 'tests', 'fixtures', 'profiles');
export const EXAMPLES = join(ROOT, 'examples');
export const ARTIFACTS = join(ROOT, 'tests', 'e2e', 'artifacts');
export const CHROMIUM = process.env.PROFDIFF_CHROMIUM || '/usr/bin/chromium';

/** The page's own CSP, sent as a header too so the served worker runs under the same policy. */
export const CSP = readFileSync(join(WWW, 'index.html'), 'utf8')
  .match(/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/)[1];

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.md': 'text/plain; charset=utf-8',
};

/** Serves www/ on 127.0.0.1:<free port>. `requests` records every path asked for and its status. */
export function startServer() {
  const requests = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    let path = decodeURIComponent(url.pathname);
    if (path.endsWith('/')) path += 'index.html';
    const file = normalize(join(WWW, path));
    let status = 404;
    if ((file === WWW || file.startsWith(WWW + sep)) && existsSync(file) && statSync(file).isFile()) {
      status = 200;
      res.writeHead(200, {
        'Content-Type': TYPES[extname(file)] || 'application/octet-stream',
        'Content-Security-Policy': CSP,
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
      });
      res.end(readFileSync(file));
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found');
    }
    requests.push({ method: req.method, path: url.pathname, status });
  });
  return new Promise((resolveStart) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolveStart({
        origin: `http://127.0.0.1:${port}`,
        url: `http://127.0.0.1:${port}/index.html`,
        requests,
        close: () => new Promise((r) => server.close(r)),
      });
    });
  });
}

/** Debian's Chromium, headless, with a fresh temporary profile; never a downloaded browser. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--headless=new', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** The two ways the page ships: www/ served over HTTP and dist/profdiff.html over file://. */
export const MODES = ['served', 'dist'];

export function pageUrl(mode, server) {
  return mode === 'served' ? server.url : pathToFileURL(DIST).href;
}

/**
 * Opens the page in a new context, recording every request, page error and console error.
 * Returns { page, context, requests, errors }.
 */
export async function openPage(browser, mode, server) {
  return openUrl(browser, pageUrl(mode, server));
}

/** openPage for any address (a page written by `profdiff html`, say). */
export async function openUrl(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
  const requests = [];
  const errors = [];
  context.on('request', (r) => requests.push(r.url()));
  const page = await context.newPage();
  page.on('request', (r) => requests.push(r.url()));
  page.on('worker', (w) => requests.push(w.url()));
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  await page.goto(url);
  await waitReady(page);
  return { page, context, requests, errors };
}

/** The page's live worker whose role (worker.js `init`) is `role`: 'main' holds the profiles,
 *  'inflater' inflates gzip files for it (www/inflater.js). Waits until it has started. */
export async function workerByRole(page, role) {
  const deadline = Date.now() + 30000;
  for (;;) {
    for (const worker of page.workers()) {
      const r = await worker.evaluate(() => self.profdiffRole).catch(() => undefined);
      if (r === role) return worker;
    }
    if (Date.now() > deadline) throw new Error(`no ${role} worker`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

/** Waits until the page is idle with its view rendered. */
export async function waitReady(page) {
  await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 30000 });
}

/** Every rendered body row of a view's table (spacer rows of virtualised tables are not rows):
 *  its data-name and each data-col cell's text, in order. Tables up to 200 rows render all. */
export function tableRows(page, view) {
  return page.$$eval(`table[data-view="${view}"] tbody tr[data-name]`, (trs) => trs.map((tr) => ({
    name: tr.dataset.name,
    cells: Object.fromEntries(Array.from(tr.querySelectorAll('td[data-col]'), (td) => [td.dataset.col, td.textContent])),
  })));
}

/**
 * Scrolls a view's table container (`.table-wrap[data-scroll=VIEW]`) to `top` pixels (clamped
 * by the browser), waits for the scroll to render, and returns the rendered rows with their
 * position in the displayed order (`data-index`) and whether the end is in view.
 */
export async function scrollTable(page, view, top) {
  await page.$eval(`.table-wrap[data-scroll="${view}"]`, (wrap, y) => {
    wrap.scrollTop = y;
    wrap.dispatchEvent(new Event('scroll'));
  }, top);
  return page.$eval(`.table-wrap[data-scroll="${view}"]`, (wrap) => ({
    atEnd: wrap.scrollTop + wrap.clientHeight >= wrap.scrollHeight - 1,
    rows: Array.from(wrap.querySelectorAll('tbody tr[data-name]'), (tr) => ({
      index: Number(tr.dataset.index),
      row: {
        name: tr.dataset.name,
        cells: Object.fromEntries(Array.from(tr.querySelectorAll('td[data-col]'), (td) => [td.dataset.col, td.textContent])),
      },
    })),
  }));
}

export function expectedTopRows(report) {
  return report.rows.map((r) => ({
    name: r.name,
    cells: {
      flat: r.flatText,
      'flat-pct': r.flatPct,
      'sum-pct': r.sumPct,
      cum: r.cumText,
      'cum-pct': r.cumPct,
      name: r.name,
      inline: r.inline,
    },
  }));
}

export function expectedCompareRows(report) {
  return report.rows.map((r) => ({
    name: r.name,
    cells: {
      name: r.name,
      'a-flat': r.aFlatText,
      'b-flat': r.bFlatText,
      'delta-flat': r.deltaFlatText,
      'delta-pct': r.deltaPctText,
      'a-cum': r.aCumText,
      'b-cum': r.bCumText,
      'delta-cum': r.deltaCumText,
      status: r.status,
    },
  }));
}

export function expectedPathRows(report) {
  return report.nodes.map((n) => ({
    name: n.name,
    cells: { delta: n.deltaText, a: n.aText, b: n.bText, name: n.name, rank: n.rank === null ? '' : `#${n.rank}` },
  }));
}

/** `profdiff ARGS` as it prints (stdout), run in `cwd`. */
export function cliOutput(args, cwd = FIXTURES) {
  return execFileSync(CLI, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
}

/** `profdiff ARGS --format=json`, run in `cwd` so file names print as the page names them. */
export function cliJson(args, cwd = FIXTURES) {
  return JSON.parse(execFileSync(CLI, [...args, '--format=json'], { cwd, encoding: 'utf8', maxBuffer: 1 << 28 }));
}

/** The CLI's one-line error for a bad input: stderr without the `profdiff: ` prefix. */
export function cliError(args, cwd) {
  const r = spawnSync(CLI, args, { cwd, encoding: 'utf8' });
  if (r.status === 0) throw new Error(`profdiff ${args.join(' ')} succeeded`);
  return r.stderr.trim().replace(/^profdiff: /, '');
}

/** A temporary directory, removed when the test process exits. */
export function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), 'profdiff-e2e-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function writeTemp(dir, name, bytes) {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** Deterministic pseudo-random bytes (xorshift32). */
export function randomBytes(n, seed = 0x9e3779b9) {
  const out = new Uint8Array(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/** Sets files on an <input type=file> from { name, bytes } pairs. */
export async function setFiles(page, selector, files) {
  await page.setInputFiles(selector, files.map((f) => ({
    name: f.name,
    mimeType: 'application/octet-stream',
    buffer: Buffer.from(f.bytes),
  })));
}

export function fixture(name, dir = FIXTURES) {
  return { name, bytes: readFileSync(join(dir, name)) };
}

/**
 * Drops files on `selector` through a synthetic DataTransfer: dragenter, dragover, drop.
 * Returns once the drop event has been dispatched.
 */
export async function dropFiles(page, selector, files) {
  const payload = files.map((f) => ({ name: f.name, bytes: Array.from(f.bytes) }));
  const dt = await page.evaluateHandle((list) => {
    const transfer = new DataTransfer();
    for (const f of list) transfer.items.add(new File([new Uint8Array(f.bytes)], f.name));
    return transfer;
  }, payload);
  for (const type of ['dragenter', 'dragover', 'drop']) {
    await page.dispatchEvent(selector, type, { dataTransfer: dt });
  }
  await dt.dispose();
}

// ---- a minimal profile.proto writer (field numbers from src/proto.rs) ----------------------

function varint(value) {
  let v = BigInt.asUintN(64, BigInt(value));
  const out = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}
const tag = (field, wire) => varint((field << 3) | wire);
const vfield = (field, value) => (value ? [...tag(field, 0), ...varint(value)] : []);
const bfield = (field, bytes) => [...tag(field, 2), ...varint(bytes.length), ...bytes];
const packed = (field, values) => bfield(field, values.flatMap(varint));

/**
 * Encodes a profile: { sampleTypes: [[type, unit]], samples: [{ stack: [fnName leaf-first], values }],
 * timeNanos, period, periodType: [type, unit] }. One function and one location per distinct name.
 * Function names are set with an empty system name, so pprof's name simplification leaves them
 * as they are. Returns gzipped bytes.
 */
export function encodeProfile({ sampleTypes, samples, timeNanos = 0, period = 1, periodType = null }) {
  const strings = [''];
  const stringIds = new Map([['', 0]]);
  const str = (s) => {
    let i = stringIds.get(s);
    if (i === undefined) { i = strings.length; strings.push(s); stringIds.set(s, i); }
    return i;
  };
  const fnIds = new Map();
  const fnId = (name) => {
    if (!fnIds.has(name)) fnIds.set(name, fnIds.size + 1);
    return fnIds.get(name);
  };
  // Chunks of bytes, joined once at the end (profiles of tens of thousands of functions).
  const chunks = [];
  const put = (arr) => chunks.push(Buffer.from(arr));
  for (const [type, unit] of sampleTypes) put(bfield(1, [...vfield(1, str(type)), ...vfield(2, str(unit))]));
  for (const s of samples) {
    put(bfield(2, [...packed(1, s.stack.map(fnId)), ...packed(2, s.values)]));
  }
  for (const [, id] of fnIds) {
    // location id = function id; one line per location
    put(bfield(4, [...vfield(1, id), ...bfield(4, vfield(1, id))]));
  }
  for (const [name, id] of fnIds) {
    put(bfield(5, [...vfield(1, id), ...vfield(2, str(name)), ...vfield(4, str('x.go'))]));
  }
  if (timeNanos) put(vfield(9, timeNanos));
  if (periodType) put(bfield(11, [...vfield(1, str(periodType[0])), ...vfield(2, str(periodType[1]))]));
  if (period) put(vfield(12, period));
  // the string table first, once every string is known
  const table = strings.map((s) => Buffer.from(bfield(6, [...Buffer.from(s, 'utf8')])));
  return gzipSync(Buffer.concat([...table, ...chunks]));
}

// Page benchmark in headless Chromium (Debian's, through playwright-core from tests/e2e): per pair
// of profiles, the median of 5 fresh pages (BENCH_PAGE_RUNS) of
//   page start         from the page's ready state until both workers have compiled the
//                      WebAssembly
//   one file → Top A   setting #file-a, a second after start (an idle page, as when a user
//                      picks a file), until Top A's table is on screen
//   … at start         the same on another fresh page, the moment both workers are up
//   two files → Compare setting #file-a, then #file-b, until the comparison is on screen (total)
//   pair → Compare     dropping both files at once until the comparison is on screen
//   Compare → Paths    clicking the Paths tab until the paths tree is on screen
//   tab switch         then clicking Top A (its first view since B arrived), and back to Compare
// and the WebAssembly memory of the worker at the end (it only grows: the peak of all views).
//   node bench/page.mjs [FILE_A FILE_B]...   (pairs; default: bench/out/large-a/b.pb.gz)
import { startServer, launchBrowser, workerByRole } from '../tests/e2e/lib.mjs';
import { existsSync, statSync, appendFileSync } from 'node:fs';
import { basename, join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const pairs = [];
for (let i = 0; i + 1 < args.length; i += 2) pairs.push([args[i], args[i + 1]]);
if (pairs.length === 0) {
  pairs.push([join(root, 'bench/out/large-a.pb.gz'), join(root, 'bench/out/large-b.pb.gz')]);
}
const RUNS = Number(process.env.BENCH_PAGE_RUNS || 5);
/** How long the page rests after start before the flow begins. */
const IDLE_MS = 1000;
const WAIT = { timeout: 180000 };

const mb = (f) => (statSync(f).size / 1048576).toFixed(1);

/** Milliseconds from `act` until the view's table (or tree) has rows and the page is idle. */
async function timed(page, act, view) {
  const start = Date.now();
  await act();
  await page.waitForFunction(
    (v) => document.body.dataset.state === 'ready' && document.querySelector(`[data-view="${v}"] tbody tr, [data-view="${v}"] [data-name]`),
    view,
    WAIT,
  );
  return Date.now() - start;
}

/** Drops two files on the page at once, as a user drags a pair: they go through a scratch
 *  file input (playwright's fast way in), then a synthetic drop on #view. */
async function dropBoth(page, a, b) {
  await page.evaluate(() => {
    const input = document.createElement('input');
    input.type = 'file';
    input.multiple = true;
    input.id = 'bench-pair';
    input.hidden = true;
    document.body.append(input);
  });
  await page.setInputFiles('#bench-pair', [a, b]);
  await page.evaluate(() => {
    const input = document.querySelector('#bench-pair');
    const transfer = new DataTransfer();
    for (const f of input.files) transfer.items.add(f);
    input.remove();
    // dropping on the page replaces both slots; the view must be drawn again
    document.body.dataset.state = 'loading';
    for (const type of ['dragenter', 'dragover', 'drop']) {
      document.querySelector('#view').dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }
  });
}

/** A fresh page whose workers have compiled the WebAssembly; `t.start` is how long that took
 *  after the page was ready. */
async function freshPage(browser, server, t) {
  const page = await browser.newPage();
  await page.goto(server.url);
  await page.waitForSelector('body[data-state=ready]');
  const started = Date.now();
  await workerByRole(page, 'main');
  await workerByRole(page, 'inflater');
  t.start = Date.now() - started;
  return page;
}

/** One file → Top A given the moment both workers are up, while the browser still finishes
 *  compiling in the background (a user is rarely that quick). */
async function eagerTop(browser, server, a) {
  const t = {};
  const page = await freshPage(browser, server, t);
  t.eagerTop = await timed(page, () => page.setInputFiles('#file-a', a), 'top-a');
  await page.close();
  return t;
}

async function onePage(browser, server, a, b) {
  const t = {};
  const page = await freshPage(browser, server, t);
  // The flow starts on an idle page, as when a user picks a file: a second after start.
  await new Promise((done) => setTimeout(done, IDLE_MS));
  t.top = await timed(page, () => page.setInputFiles('#file-a', a), 'top-a');
  t.secondToCompare = await timed(page, () => page.setInputFiles('#file-b', b), 'compare');
  t.compare = t.top + t.secondToCompare;
  t.pair = await timed(page, () => dropBoth(page, a, b), 'compare');
  t.paths = await timed(page, () => page.click('button[data-view-tab="paths"]'), 'paths');
  t.switchTop = await timed(page, () => page.click('button[data-view-tab="top-a"]'), 'top-a');
  t.switchCompare = await timed(page, () => page.click('button[data-view-tab="compare"]'), 'compare');
  const worker = await workerByRole(page, 'main');
  t.memoryMB = worker ? Math.round((await worker.evaluate(() => self.profdiffMemoryBytes())) / 1048576) : NaN;
  await page.close();
  return t;
}

const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];

const server = await startServer();
const browser = await launchBrowser();
const lines = [];
try {
  for (const [a, b] of pairs) {
    if (!existsSync(a) || !existsSync(b)) {
      console.error(`bench/page: skipping ${a} ${b}: missing`);
      continue;
    }
    const runs = [];
    for (let run = 0; run < RUNS; run++) {
      runs.push({ ...(await onePage(browser, server, a, b)), ...(await eagerTop(browser, server, a)) });
    }
    const m = (k) => median(runs.map((r) => r[k]));
    const line = `| ${basename(a)} + ${basename(b)} | ${mb(a)} + ${mb(b)} MB | ${m('start')} ms | ${m('top')} ms | ${m('eagerTop')} ms | ${m('compare')} ms | ${m('pair')} ms | ${m('paths')} ms | ${m('switchTop')} ms | ${m('switchCompare')} ms | ${m('memoryMB')} MB |`;
    lines.push(line);
    console.log(line);
  }
} finally {
  await browser.close();
  await server.close();
}
const out = join(root, 'bench/out/results.md');
if (existsSync(out) && lines.length) {
  appendFileSync(out, `\n## The page in headless Chromium (median of ${RUNS} fresh pages)\n\n`
    + '| files | size | page start (workers ready) | one file → Top A | one file → Top A at start | two files → Compare | pair dropped → Compare | Compare → Paths | tab switch → Top A | back to Compare | WebAssembly memory |\n'
    + '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n'
    + `${lines.join('\n')}\n`);
}

// Page benchmark in headless Chromium (Debian's, through playwright-core from tests/e2e): per pair
// of profiles, the median of 3 fresh pages of
//   one file → Top A   setting #file-a until Top A's table is on screen
//   two files → Compare setting #file-a, then #file-b, until the comparison is on screen (total)
//   Compare → Paths    clicking the Paths tab until the paths tree is on screen
//   tab switch         then clicking Top A (its first view since B arrived), and back to Compare
// and the WebAssembly memory of the worker at the end (it only grows: the peak of all views).
//   node bench/page.mjs [FILE_A FILE_B]...   (pairs; default: bench/out/large-a/b.pb.gz)
import { startServer, launchBrowser } from '../tests/e2e/lib.mjs';
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
const RUNS = 3;
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

async function onePage(browser, server, a, b) {
  const page = await browser.newPage();
  await page.goto(server.url);
  await page.waitForSelector('body[data-state=ready]');
  const t = {};
  t.top = await timed(page, () => page.setInputFiles('#file-a', a), 'top-a');
  t.secondToCompare = await timed(page, () => page.setInputFiles('#file-b', b), 'compare');
  t.compare = t.top + t.secondToCompare;
  t.paths = await timed(page, () => page.click('button[data-view-tab="paths"]'), 'paths');
  t.switchTop = await timed(page, () => page.click('button[data-view-tab="top-a"]'), 'top-a');
  t.switchCompare = await timed(page, () => page.click('button[data-view-tab="compare"]'), 'compare');
  const worker = page.workers()[0];
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
    for (let run = 0; run < RUNS; run++) runs.push(await onePage(browser, server, a, b));
    const m = (k) => median(runs.map((r) => r[k]));
    const line = `| ${basename(a)} + ${basename(b)} | ${mb(a)} + ${mb(b)} MB | ${m('top')} ms | ${m('compare')} ms | ${m('paths')} ms | ${m('switchTop')} ms | ${m('switchCompare')} ms | ${m('memoryMB')} MB |`;
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
    + '| files | size | one file → Top A | two files → Compare | Compare → Paths | tab switch → Top A | back to Compare | WebAssembly memory |\n'
    + '|---|---:|---:|---:|---:|---:|---:|---:|\n'
    + `${lines.join('\n')}\n`);
}

// Flame benchmark: in headless Chromium, two large profiles loaded into A and B, then
//   switch: the time from pressing the Flame tab (Diff) to body[data-state=ready] with the canvas drawn;
//   zoom:   Enter on a focused frame: the redraw at once from the rows at hand ('zoom-redraw'), then
//           the core's layout at the new scale (a worker call and a redraw: 'zoom');
//   hover:  mouse moves over frames (a local redraw of the canvas), as the page records them.
// The page records its frame times in window.profdiffFlameTimes ({kind, ms}; views/flame.js).
//   node bench/flame.mjs [FILE_A FILE_B]   (default: bench/out/scattered-a/b.pb.gz)
import { startServer, launchBrowser } from '../tests/e2e/lib.mjs';
import { appendFileSync, existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const [a = join(root, 'bench/out/scattered-a.pb.gz'), b = join(root, 'bench/out/scattered-b.pb.gz')] = process.argv.slice(2);
if (!existsSync(a) || !existsSync(b)) {
  console.error(`bench/flame: ${a} or ${b} is missing (bench/run.sh generates them)`);
  process.exit(0);
}
const median = (xs) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)];
};
const ready = (page) => page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 300000 });

const server = await startServer();
const browser = await launchBrowser();
const lines = [];
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(server.url);
  await ready(page);
  await page.setInputFiles('#file-a', a);
  await ready(page);
  await page.setInputFiles('#file-b', b);
  await ready(page);
  const switches = [];
  for (let run = 0; run < 3; run++) {
    await page.click('button[data-view-tab=compare]');
    await ready(page);
    // A new option set each run, so the tree is built again (the cache would hide it).
    await page.selectOption('#granularity', run % 2 ? 'functions' : 'filefunctions');
    await ready(page);
    const t0 = Date.now();
    await page.click('button[data-view-tab=flame]');
    await page.waitForFunction(() => document.body.dataset.state === 'ready' && document.querySelector('canvas[data-view=flame]'), null, { timeout: 300000 });
    switches.push(Date.now() - t0);
  }
  const rows = Number(await page.$eval('canvas[data-view=flame]', (c) => c.dataset.rows));
  await page.evaluate(() => { window.profdiffFlameTimes = []; });
  // Hover: sweep the mouse along the lower rows (a redraw each time the frame under it changes).
  const canvas = await page.$('canvas[data-view=flame]');
  const box = await canvas.boundingBox();
  for (let k = 0; k < 4; k++) {
    for (let x = 2; x < box.width - 2; x += 5) await page.mouse.move(box.x + x, box.y + box.height - 9 - 18 * k);
  }
  // Zoom: the keyboard walks the root frames (ArrowUp focuses the heaviest, ArrowRight the next),
  // Enter zooms to the focused frame, Escape zooms out; each is a layout call and a redraw.
  await page.mouse.move(0, 0);
  await page.keyboard.press('ArrowUp');
  await ready(page);
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press('Enter');
    await ready(page);
    await page.keyboard.press('Escape');
    await ready(page);
    await page.keyboard.press('ArrowRight');
    await ready(page);
  }
  const times = await page.evaluate(() => window.profdiffFlameTimes || []);
  const of = (kind) => times.filter((t) => t.kind === kind).map((t) => t.ms);
  const fmt = (ms) => `${ms.toFixed(1)} ms`;
  const load = (await import('node:os')).loadavg()[0].toFixed(1);
  lines.push(`| ${basename(a)} + ${basename(b)} | ${(statSync(a).size / 1048576).toFixed(1)} MB + ${(statSync(b).size / 1048576).toFixed(1)} MB | ${median(switches)} ms (runs ${switches.join(', ')}) | ${rows} | ${fmt(median(of('hover')))} (${of('hover').length}) | ${fmt(median(of('zoom-redraw')))} (${of('zoom-redraw').length}) | ${fmt(median(of('zoom')))} (${of('zoom').length}) | ${fmt(median(of('draw')))} (${of('draw').length}) | ${load} |`);
  console.log(lines.join('\n'));
} finally {
  await browser.close();
  await server.close();
}
const out = join(root, 'bench/out/results.md');
if (existsSync(out)) {
  appendFileSync(out, `\n## Page: Diff flame graph (headless Chromium)\n\n| files | size | switch to Flame (Diff), median of 3 | rows drawn | hover redraw median (n) | zoom redraw median (n) | zoom's new layout (worker call + redraw) median (n) | canvas draw median (n) | load average |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n${lines.join('\n')}\n`);
}

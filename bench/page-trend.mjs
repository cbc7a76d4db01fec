// Page benchmark of the Trend view: in headless Chromium (Debian's, through playwright-core from
// tests/e2e), the time from setting a series of files on #file-series to body[data-state=ready]
// with the Trend table on screen. Target: 2 s for 20 snapshots of 20 000 samples.
//   node bench/page-trend.mjs FILE...     (bench/trend.sh passes bench/out/series/*.pb.gz)
import { startServer, launchBrowser } from '../tests/e2e/lib.mjs';
import { appendFileSync, existsSync, statSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const files = process.argv.slice(2);
if (files.length < 2) {
  console.error('usage: node bench/page-trend.mjs FILE FILE...');
  process.exit(2);
}
const mb = (files.reduce((n, f) => n + statSync(f).size, 0) / 1048576).toFixed(1);
const server = await startServer();
const browser = await launchBrowser();
let line = '';
try {
  const runs = [];
  for (let run = 0; run < 3; run++) {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.waitForSelector('body[data-state]');
    const start = Date.now();
    await page.setInputFiles('#file-series', files);
    await page.waitForFunction(
      () => document.body.dataset.state === 'ready' && document.querySelector('table[data-view=trend] tbody tr[data-name]'),
      null,
      { timeout: 120000 },
    );
    runs.push(Date.now() - start);
    await page.close();
  }
  runs.sort((x, y) => x - y);
  line = `| ${files.length} files on #file-series → Trend view | ${mb} MB | ${runs[1]} ms (median of 3; min ${runs[0]}, max ${runs[2]}) |`;
  console.log(line);
} finally {
  await browser.close();
  await server.close();
}
const out = join(root, 'bench/out/results.md');
if (existsSync(out) && line) {
  appendFileSync(out, `\n## Page: a series → Trend view ready (headless Chromium, target 2 s)\n\n| input | size | time |\n|---|---:|---:|\n${line}\n`);
}

// Page benchmark: in headless Chromium (Debian's, through playwright-core from tests/e2e), the
// time from setting the files on #file-a / #file-b to body[data-state=ready] with the compare
// view rendered, on the two generated large profiles and on the largest corpus files.
//   node bench/page.mjs [FILE_A FILE_B]...   (pairs; default: bench/out/large-a/b.pb.gz)
import { startServer, launchBrowser } from '../tests/e2e/lib.mjs';
import { existsSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import { basename, join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const pairs = [];
for (let i = 0; i + 1 < args.length; i += 2) pairs.push([args[i], args[i + 1]]);
if (pairs.length === 0) {
  pairs.push([join(root, 'bench/out/large-a.pb.gz'), join(root, 'bench/out/large-b.pb.gz')]);
}

const mb = (f) => (statSync(f).size / 1048576).toFixed(1);
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
    for (let run = 0; run < 3; run++) {
      const page = await browser.newPage();
      await page.goto(server.url);
      await page.waitForSelector('body[data-state]');
      const start = Date.now();
      await page.setInputFiles('#file-a', a);
      await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 120000 });
      await page.setInputFiles('#file-b', b);
      await page.waitForFunction(
        () => document.body.dataset.state === 'ready' && document.querySelector('table[data-view=compare] tbody tr'),
        null,
        { timeout: 120000 },
      );
      runs.push(Date.now() - start);
      await page.close();
    }
    runs.sort((x, y) => x - y);
    const line = `| ${basename(a)} + ${basename(b)} | ${mb(a)} MB + ${mb(b)} MB | ${runs[1]} ms (median of 3; min ${runs[0]}, max ${runs[2]}) |`;
    lines.push(line);
    console.log(line);
  }
} finally {
  await browser.close();
  await server.close();
}
const out = join(root, 'bench/out/results.md');
if (existsSync(out) && lines.length) {
  appendFileSync(out, `\n## Page: files set → compare view ready (headless Chromium)\n\n| files | size | time |\n|---|---:|---:|\n${lines.join('\n')}\n`);
}

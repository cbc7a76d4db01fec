// The Flame view on the bundled example (served from www/; the view is plain page code, so the
// dist build adds nothing here), and the CLI's flame SVG opened in Chromium. Values shown are
// checked against the CLI: `profdiff paths` for a frame's A, B and Δ, `profdiff top --focus` for
// the search share.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ARTIFACTS, CLI, EXAMPLES, WWW, cliJson, cliOutput, encodeProfile, launchBrowser, openPage,
  setFiles, startServer, tempDir, waitReady, writeTemp,
} from './lib.mjs';
import { execFileSync } from 'node:child_process';

const TIMEOUT = { timeout: 120000 };
const PAIR = ['gateway-a.pb.gz', 'gateway-b.pb.gz'];

let browser;
let server;

before(async () => {
  assert.ok(existsSync(join(WWW, 'pkg', 'profdiff.js')), 'www/pkg is missing: run scripts/build-wasm.sh');
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await launchBrowser();
  server = await startServer();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.close();
});

async function openFlame() {
  const opened = await openPage(browser, 'served', server);
  const { page } = opened;
  await page.click('#load-example');
  await waitReady(page);
  await page.keyboard.press('5');
  await waitReady(page);
  await page.waitForSelector('canvas[data-view=flame]');
  return opened;
}

async function search(page, query) {
  await page.fill('#search', query);
  await page.press('#search', 'Enter');
  await waitReady(page);
  await page.waitForFunction(() => document.querySelector('#flame-details[data-name]'), null, { timeout: 30000 });
  await waitReady(page);
}

function details(page) {
  return page.$eval('#flame-details', (el) => ({
    name: el.dataset.name,
    path: el.dataset.path,
    cells: Object.fromEntries(Array.from(el.querySelectorAll('td[data-col]'), (td) => [td.dataset.col, td.textContent])),
  }));
}

/** `profdiff paths` nodes with their full path (names root first joined by `;`). */
function pathsByPrefix() {
  const report = cliJson(['paths', ...PAIR], EXAMPLES);
  const stack = [];
  const out = new Map();
  for (const n of report.nodes) {
    stack.length = n.depth;
    stack.push(n.name);
    out.set(stack.join(';'), n);
  }
  return out;
}

/** The "Showing nodes accounting for X, P% of T total" share of `top --focus`. */
function focusShare(file, regex) {
  const text = cliOutput(['top', `--focus=${regex}`, '--nodefraction=0', file], EXAMPLES);
  const m = text.match(/Showing nodes accounting for [^,]+, ([^ ]+%) of /);
  assert.ok(m, `no share line in: ${text.slice(0, 400)}`);
  return m[1].trim();
}

describe('flame view', () => {
  it('defaults to Diff and shows compress/flate.NewWriter under main.(*encoder).Encode with the paths values', TIMEOUT, async () => {
    const { page, context, errors } = await openFlame();
    try {
      assert.equal(await page.$eval('.flame-view', (el) => el.dataset.mode), 'diff');
      assert.ok(await page.$('#flame-legend'), 'the diff has a legend');
      await search(page, 'compress/flate\\.NewWriter$');
      const d = await details(page);
      assert.equal(d.name, 'compress/flate.NewWriter');
      const frames = d.path.split(';');
      assert.equal(frames.at(-1), 'compress/flate.NewWriter');
      assert.ok(frames.slice(0, -1).includes('main.(*encoder).Encode'), d.path);
      const want = pathsByPrefix().get(d.path);
      assert.ok(want, `profdiff paths has ${d.path}`);
      assert.equal(d.cells.a, want.aText);
      assert.equal(d.cells.b, want.bText);
      assert.equal(d.cells.delta, want.deltaText);
      assert.equal(d.cells['delta-pct'], 'new');
      // The canvas marks the focused frame.
      assert.equal(await page.$eval('canvas[data-view=flame]', (c) => c.dataset.focus), d.path);
      await page.screenshot({ path: join(ARTIFACTS, 'flame-diff.png'), fullPage: true });
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('gives the search share of each side as top --focus does', TIMEOUT, async () => {
    const { page, context } = await openFlame();
    try {
      for (const regex of ['NewWriter', 'bufio\\.NewReaderSize']) {
        await search(page, regex);
        const share = await page.$eval('#flame-search-share', (el) => el.textContent);
        const a = focusShare(PAIR[0], regex);
        const b = focusShare(PAIR[1], regex);
        assert.equal(share, `matches ${a} of A, ${b} of B`);
      }
    } finally {
      await context.close();
    }
  });

  it('zooms on click with a breadcrumb, and Escape zooms out', TIMEOUT, async () => {
    const { page, context } = await openFlame();
    try {
      const canvas = await page.$('canvas[data-view=flame]');
      const box = await canvas.boundingBox();
      const rootTop = Number(await canvas.evaluate((c) => c.dataset.rootTop));
      // The root row at 70% of the width is net/http.(*conn).serve (most of B).
      await page.mouse.click(box.x + box.width * 0.7, box.y + rootTop + 8);
      await waitReady(page);
      assert.equal(await page.$eval('canvas[data-view=flame]', (c) => c.dataset.zoom), 'net/http.(*conn).serve');
      assert.equal(await page.$eval('#flame-breadcrumb', (el) => el.dataset.depth), '1');
      const crumbs = await page.$$eval('#flame-breadcrumb .crumb', (bs) => bs.map((b) => b.textContent));
      assert.deepEqual(crumbs, ['all', 'net/http.(*conn).serve']);
      assert.equal((await details(page)).name, 'net/http.(*conn).serve');
      assert.match(await page.evaluate(() => location.hash), /fz=/);
      await page.locator('canvas[data-view=flame]').focus();
      await page.keyboard.press('Escape');
      await waitReady(page);
      assert.equal(await page.$eval('canvas[data-view=flame]', (c) => c.dataset.zoom), '');
      assert.equal(await page.$eval('#flame-breadcrumb', (el) => el.dataset.depth), '0');
    } finally {
      await context.close();
    }
  });

  it('keeps hover and zoom in sync side by side', TIMEOUT, async () => {
    const { page, context } = await openFlame();
    try {
      await page.click('button[data-flame-mode=side]');
      await waitReady(page);
      const canvases = await page.$$('canvas[data-view=flame]');
      assert.equal(canvases.length, 2);
      const [a, b] = canvases;
      assert.equal(await a.evaluate((c) => c.dataset.side), 'a');
      assert.equal(await b.evaluate((c) => c.dataset.side), 'b');
      const box = await a.boundingBox();
      const rootTop = Number(await a.evaluate((c) => c.dataset.rootTop));
      // A's widest root frame is main.(*client).run (12 of 19 MB, first in name order).
      await page.mouse.move(box.x + box.width * 0.2, box.y + rootTop + 8);
      const hovered = await a.evaluate((c) => c.dataset.hover);
      assert.equal(hovered, 'main.(*client).run');
      assert.equal(await b.evaluate((c) => c.dataset.hover), hovered);
      await page.mouse.click(box.x + box.width * 0.2, box.y + rootTop + 8);
      await waitReady(page);
      const [a2, b2] = await page.$$('canvas[data-view=flame]');
      assert.equal(await a2.evaluate((c) => c.dataset.zoom), 'main.(*client).run');
      assert.equal(await b2.evaluate((c) => c.dataset.zoom), 'main.(*client).run');
      assert.equal(await a2.evaluate((c) => c.dataset.focus), 'main.(*client).run');
      assert.equal(await b2.evaluate((c) => c.dataset.focus), 'main.(*client).run');
    } finally {
      await context.close();
    }
  });

  it('lays out as the toggles say: icicle, inverted, widths from A', TIMEOUT, async () => {
    const { page, context } = await openFlame();
    try {
      const canvas = () => page.$('canvas[data-view=flame]');
      const height = await (await canvas()).evaluate((c) => c.getBoundingClientRect().height);
      assert.equal(await (await canvas()).evaluate((c) => c.dataset.orientation), 'flame');
      assert.equal(Number(await (await canvas()).evaluate((c) => c.dataset.rootTop)), Math.round(height) - 18);
      await page.click('#flame-icicle');
      await waitReady(page);
      assert.equal(await (await canvas()).evaluate((c) => c.dataset.orientation), 'icicle');
      assert.equal(await (await canvas()).evaluate((c) => c.dataset.rootTop), '0');

      assert.equal(await (await canvas()).evaluate((c) => c.dataset.side), 'b');
      await page.click('#flame-layout-a');
      await waitReady(page);
      assert.equal(await (await canvas()).evaluate((c) => c.dataset.side), 'a');

      await page.click('#flame-inverted');
      await waitReady(page);
      assert.equal(await (await canvas()).evaluate((c) => c.dataset.inverted), 'true');
      // Bottom-up: the frame where samples end is a root, its callers follow.
      await page.click('#flame-layout-a');
      await waitReady(page);
      await search(page, 'compress/flate\\.NewWriter$');
      const d = await details(page);
      assert.equal(d.path, 'compress/flate.NewWriter');
      assert.match(await page.evaluate(() => location.hash), /finv=1/);
    } finally {
      await context.close();
    }
  });

  it('applies a link: mode, zoom path and toggles from the fragment', TIMEOUT, async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    try {
      const zoom = encodeURIComponent(JSON.stringify(['net/http.(*conn).serve']));
      await page.goto(`${server.url}#example&view=flame&fm=side&fic=1&fz=${zoom}`);
      await page.waitForFunction(() => document.body.dataset.state === 'ready' && document.querySelectorAll('canvas[data-view=flame]').length === 2, null, { timeout: 60000 })
        .catch(async (e) => {
          console.error(await page.evaluate(() => [location.hash, document.body.dataset.view, document.querySelector('.flame-view') && document.querySelector('.flame-view').dataset.mode]));
          throw e;
        });
      await waitReady(page);
      const canvases = await page.$$eval('canvas[data-view=flame]', (cs) => cs.map((c) => [c.dataset.side, c.dataset.zoom, c.dataset.orientation]));
      assert.deepEqual(canvases, [['a', 'net/http.(*conn).serve', 'icicle'], ['b', 'net/http.(*conn).serve', 'icicle']]);
      const hash = await page.evaluate(() => location.hash);
      assert.match(hash, /fm=side/);
      assert.match(hash, /fic=1/);
    } finally {
      await context.close();
    }
  });

  it('draws a name holding HTML as text, and the PNG export is a PNG', TIMEOUT, async () => {
    const { page, context, errors } = await openPage(browser, 'served', server);
    try {
      const img = '<img src=x onerror=window.__pwned=1>';
      const bytes = encodeProfile({
        sampleTypes: [['samples', 'count']],
        samples: [{ stack: [img, 'main.main'], values: [5] }, { stack: ['main.main'], values: [2] }],
      });
      await setFiles(page, '#file-a', [{ name: 'html.pb.gz', bytes }]);
      await waitReady(page);
      await page.click('button[data-view-tab=flame]');
      await waitReady(page);
      await search(page, 'img');
      assert.equal(await page.$eval('#flame-details', (el) => el.dataset.name), img);
      assert.equal(await page.$eval('.flame-details-name', (el) => el.textContent), img);
      assert.equal(await page.$$eval('#view img, body > img', (els) => els.length), 0);
      assert.equal(await page.evaluate(() => window.__pwned), undefined);
      await page.click('#flame-png');
      await page.waitForFunction(() => document.body.dataset.lastExportFormat === 'png');
      const url = await page.evaluate(() => document.body.dataset.lastExport);
      assert.ok(url.startsWith('data:image/png;base64,'));
      const png = Buffer.from(url.slice('data:image/png;base64,'.length), 'base64');
      assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});

describe('flame SVG', () => {
  it('is well-formed, escaped, self-contained, and works in Chromium', TIMEOUT, async () => {
    const dir = tempDir();
    const hostile = ['<script>window.__pwned=1</script>', 'a&b "q" \'s\'', 'x]]>y', 'esc\u001bape', 'F(...)', 'pkg.F 12'];
    const bytes = encodeProfile({
      sampleTypes: [['samples', 'count']],
      samples: hostile.map((name, i) => ({ stack: [name, 'main.main'], values: [10 + i] })),
    });
    const file = writeTemp(dir, 'hostile.pb.gz', bytes);
    const svgs = {
      hostile: execFileSync(CLI, ['flame', '--format=svg', file], { encoding: 'utf8' }),
      diff: execFileSync(CLI, ['flame', '--format=svg', ...PAIR], { cwd: EXAMPLES, encoding: 'utf8' }),
    };
    for (const [name, svg] of Object.entries(svgs)) {
      assert.ok(!/(?:href|src)\s*=|url\(|@import|<image|<foreignObject|<!DOCTYPE/i.test(svg), `${name}: no external reference`);
      assert.ok(!/https?:\/\/(?!www\.w3\.org\/2000\/svg")/.test(svg), `${name}: no URL but the namespace`);
      assert.ok(!svg.includes('<script>window'), `${name}: names are escaped`);
      writeFileSync(join(dir, `${name}.svg`), svg);
    }
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      for (const name of Object.keys(svgs)) {
        // Well-formed XML: the browser's own XML parser reports no error.
        const parseError = await page.evaluate((text) => {
          const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
          const err = doc.querySelector('parsererror');
          return err ? err.textContent : null;
        }, svgs[name]);
        assert.equal(parseError, null, `${name}.svg parses`);
        await page.goto(pathToFileURL(join(dir, `${name}.svg`)).href);
        const frames = await page.$$eval('g.f', (gs) => gs.map((g) => g.getAttribute('data-name')));
        assert.ok(frames.length >= 2, `${name}: frames drawn`);
        if (name === 'hostile') {
          for (const h of hostile) {
            const want = h.replace('\u001b', '\ufffd');
            assert.ok(frames.includes(want), `${name}: ${JSON.stringify(h)} kept as text`);
          }
          assert.equal(await page.evaluate(() => window.__pwned), undefined);
        } else {
          // A click zooms: the frame fills the width and "Reset zoom" appears.
          const g = page.locator('g.f[data-name="main.(*encoder).Encode"]').first();
          await g.locator('rect').click({ force: true });
          assert.equal(await page.$eval('#unzoom', (t) => t.getAttribute('visibility')), 'visible');
          const width = await g.evaluate((el) => el.querySelector('rect').getAttribute('width'));
          assert.equal(Number(width), 1200);
        }
      }
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});

describe('flame folded export', () => {
  it('sums to each side\'s total and is what the CLI prints', TIMEOUT, () => {
    const folded = cliOutput(['flame', ...PAIR], EXAMPLES);
    const sums = [0, 0];
    for (const line of folded.trimEnd().split('\n')) {
      const parts = line.split(' ');
      sums[0] += Number(parts.at(-2));
      sums[1] += Number(parts.at(-1));
    }
    const totals = cliJson(['flame', ...PAIR], EXAMPLES).totals;
    assert.deepEqual(sums, totals);
    assert.ok(readFileSync(join(EXAMPLES, PAIR[0])).length > 0);
  });
});

// The page in Chromium, Firefox and WebKit: one suite, written once against the small driver
// interface of engines.mjs (open, evaluate, setFiles, press, type; screenshot for people), run
// in every engine.
// Every value checked is the CLI's, for the same files and flags. Chromium also runs the full
// page and features suites (page.test.mjs, features.test.mjs).
//
// Adding a view: one entry in VIEWS below (the files to load, the CLI command that is its
// oracle, what the CLI's JSON should look like on the page, and how to read the page).
// A view of a series (Trend) loads its files through #file-series instead of A and B.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ENGINES, launchEngine, missingFor } from './engines.mjs';
import {
  ARTIFACTS, DIST, EXAMPLES, FIXTURES, ROOT, WWW, cliError, cliJson, cliOutput, expectedCompareRows,
  expectedPathRows, expectedTopRows, randomBytes, startServer, tempDir, writeTemp,
} from './lib.mjs';

const CASE = { timeout: 120000 };

// ---- page-side helpers: everything goes through driver.evaluate ----------------------------

/** Polls `fn(arg)` in the page until it returns something truthy, and returns that. */
async function waitFor(driver, what, fn, arg = null, timeout = 30000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await driver.evaluate(fn, arg);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${driver.engine}: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function waitReady(driver) {
  return waitFor(driver, 'the page to be ready', () => document.body.dataset.state === 'ready');
}

/** Opens `url` on a fresh document and records the page's errors from then on. */
async function open(driver, url) {
  await driver.open('about:blank');
  await driver.open(url);
  await waitReady(driver);
  await driver.evaluate(() => {
    window.__errors = [];
    window.addEventListener('error', (e) => window.__errors.push(`error: ${e.message}`));
    window.addEventListener('unhandledrejection', (e) => window.__errors.push(`rejection: ${e.reason}`));
    const consoleError = console.error;
    console.error = (...args) => {
      window.__errors.push(`console: ${args.join(' ')}`);
      consoleError(...args);
    };
  });
}

async function assertNoPageErrors(driver) {
  assert.deepEqual(await driver.evaluate(() => window.__errors), [], `${driver.engine}: the page logged errors`);
}

function click(driver, selector) {
  return driver.evaluate((sel) => document.querySelector(sel).click(), selector);
}

function text(driver, selector) {
  return driver.evaluate((sel) => document.querySelector(sel).textContent, selector);
}

function selectedView(driver) {
  return driver.evaluate(() => document.querySelector('#view').dataset.view);
}

function activeId(driver) {
  return driver.evaluate(() => document.activeElement && document.activeElement.id);
}

/**
 * Saves a screenshot for people to look at (tests/e2e/artifacts). Waits out the colour
 * transitions and two frames first: WebKitGTK in Xvfb paints at about 10 frames a second and
 * its screenshot is the last painted frame.
 */
async function screenshot(driver, name) {
  await driver.evaluate(() => new Promise((resolve) => {
    setTimeout(() => requestAnimationFrame(() => requestAnimationFrame(resolve)), 300);
  }));
  await driver.screenshot(join(ARTIFACTS, name));
}

/** Switches to `view` by its tab and waits for it to render. */
async function showView(driver, view) {
  if ((await selectedView(driver)) !== view) await click(driver, `button[data-view-tab="${view}"]`);
  await waitFor(driver, `view ${view}`, (v) => document.body.dataset.state === 'ready'
    && document.querySelector('#view').dataset.view === v, view);
}

/** Every rendered body row of a view's table: data-name and each data-col cell's text. */
function tableRows(driver, view) {
  return driver.evaluate((v) => Array.from(document.querySelectorAll(`table[data-view="${v}"] tbody tr[data-name]`), (tr) => ({
    name: tr.dataset.name,
    cells: Object.fromEntries(Array.from(tr.querySelectorAll('td[data-col]'), (td) => [td.dataset.col, td.textContent])),
  })), view);
}

/** Sets one file on a slot's input and waits until the slot shows it (or its error). */
async function loadSlot(driver, slot, dir, name) {
  await driver.setFiles(`#file-${slot}`, [join(dir, name)]);
  // the slot card shows the file's own name, without the folder
  const shown = name.split('/').pop();
  await waitFor(driver, `${name} in slot ${slot}`, ([s, n]) => document.body.dataset.state === 'ready'
    && (document.querySelector(`#files-${s}`).textContent === n || !document.querySelector(`#error-${s}`).hidden), [slot, shown]);
}

/** Sets a series' files on #file-series at once and waits for the Trend view (or the error). */
async function loadSeries(driver, dir, names) {
  await driver.setFiles('#file-series', names.map((n) => join(dir, n)));
  await waitFor(driver, `the series ${names.join(' ')}`, (n) => document.body.dataset.state === 'ready'
    && (document.querySelector('#count-series').textContent === String(n) || !document.querySelector('#error-series').hidden), names.length);
  assert.equal(await driver.evaluate(() => document.querySelector('#error-series').hidden), true,
    `${driver.engine}: ${await text(driver, '#error-series')}`);
}

// ---- the views: one entry each -------------------------------------------------------------

const SERIES = join(ROOT, 'tests', 'fixtures', 'series', 'profiles');
const HEAP_SERIES = readdirSync(SERIES).filter((n) => n.startsWith('heap-')).sort();

/**
 * The Trend view as the CLI's JSON gives it: its rows cell by cell, a drawn sparkline per row,
 * the totals chart with a point per snapshot, and the top row's series in the other chart.
 * A point's value is the end of its tooltip ("#3 heap-03.pb.gz, <time>: 1.50MB").
 */
function expectedTrend(report) {
  return {
    rows: report.rows.map((r) => ({
      name: r.name,
      cells: {
        first: r.firstText, last: r.lastText, delta: r.deltaText, slope: r.slopeText,
        verdict: r.verdict, series: '', name: r.name,
      },
    })),
    sparklines: report.rows.map(() => report.snapshots.length),
    totals: report.snapshots.map((s) => s.totalText),
    series: { name: report.rows[0].name, points: report.rows[0].valueTexts },
  };
}

/** The page's Trend view in the shape of expectedTrend; an SVG counts only when it is drawn. */
async function readTrend(driver) {
  const charts = await driver.evaluate(() => {
    // drawn: laid out with a size, and its line has a length (a flat line is still long)
    const drawn = (svg) => {
      const box = svg.getBoundingClientRect();
      const line = svg.querySelector('polyline');
      return box.width > 0 && box.height > 0 && line !== null && line.getTotalLength() > 0;
    };
    const points = (svg) => (svg && drawn(svg)
      ? Array.from(svg.querySelectorAll('circle.point title'), (t) => t.textContent.slice(t.textContent.lastIndexOf(': ') + 2))
      : null);
    const rows = document.querySelectorAll('table[data-view="trend"] tbody tr[data-name]');
    return {
      sparklines: Array.from(rows, (tr) => {
        const svg = tr.querySelector('td[data-col="series"] svg.sparkline');
        return svg && drawn(svg) ? svg.querySelector('polyline').points.numberOfItems : 0;
      }),
      totals: points(document.querySelector('#trend-totals-chart svg')),
      series: {
        name: document.querySelector('#trend-series-chart').dataset.name,
        points: points(document.querySelector('#trend-series-chart svg')),
      },
    };
  });
  return { rows: await tableRows(driver, 'trend'), ...charts };
}

/**
 * The Flame view as `profdiff paths` gives the example's compress/flate.NewWriter frame under
 * main.(*encoder).Encode: its path of names, and A, B and Δ as the tables format them; plus a
 * canvas that is laid out and has pixels drawn.
 */
const FLAME_FRAME = 'compress/flate.NewWriter';
function expectedFlame(report) {
  const stack = [];
  for (const n of report.nodes) {
    stack.length = n.depth;
    stack.push(n.name);
    if (n.name === FLAME_FRAME && stack.includes('main.(*encoder).Encode')) {
      return { canvas: true, name: n.name, path: stack.join(';'), a: n.aText, b: n.bText, delta: n.deltaText };
    }
  }
  return null;
}

/** The page's Flame view after searching the frame (Enter in #search focuses the heaviest match). */
async function readFlame(driver) {
  await driver.evaluate(() => document.querySelector('#search').focus());
  await driver.type(`${FLAME_FRAME.replace('.', '\\.')}$`);
  await driver.press('Enter');
  await waitFor(driver, 'the frame details', (n) => document.body.dataset.state === 'ready'
    && document.querySelector('#flame-details') && document.querySelector('#flame-details').dataset.name === n, FLAME_FRAME);
  return driver.evaluate(() => {
    const canvas = document.querySelector('canvas[data-view="flame"]');
    const ctx = canvas && canvas.getContext('2d');
    const px = ctx ? ctx.getImageData(0, 0, canvas.width, canvas.height).data : [];
    let painted = false;
    for (let i = 3; i < px.length; i += 4) if (px[i] !== 0) { painted = true; break; }
    const d = document.querySelector('#flame-details');
    const cell = (c) => d.querySelector(`[data-col="${c}"]`).textContent;
    return { canvas: canvas.width > 0 && canvas.height > 0 && painted, name: d.dataset.name, path: d.dataset.path, a: cell('a'), b: cell('b'), delta: cell('delta') };
  });
}

/** Go debug=1 heap texts of two instances (their MemStats feed the Memory view). */
const GOTEXT = join(ROOT, 'tests', 'fixtures', 'gotext');

/** The Memory view's table as `profdiff memstats` gives it: every field with A, B and Δ. */
function expectedMemory(report) {
  return report.rows.map((r) => ({ name: r.name, cells: { name: r.name, a: r.aText, b: r.bText, delta: r.deltaText } }));
}

/**
 * Each view's case: load `a` and `b` (file names in `dir`) through #file-a and #file-b, or
 * `series` through #file-series, show `view`, and compare `read(driver)` with
 * `expected(cliJson(cli))`. `read` defaults to the rows of the view's table
 * (`table[data-view=VIEW]`).
 */
const VIEWS = [
  { view: 'top-a', a: 'heap.pb.gz', b: 'heap2.pb.gz', cli: ['top', 'heap.pb.gz'], expected: expectedTopRows },
  { view: 'top-b', a: 'heap.pb.gz', b: 'heap2.pb.gz', cli: ['top', 'heap2.pb.gz'], expected: expectedTopRows },
  { view: 'compare', a: 'heap.pb.gz', b: 'heap2.pb.gz', cli: ['diff', 'heap.pb.gz', 'heap2.pb.gz'], expected: expectedCompareRows },
  { view: 'paths', a: 'heap.pb.gz', b: 'heap2.pb.gz', cli: ['paths', 'heap.pb.gz', 'heap2.pb.gz'], expected: expectedPathRows },
  { view: 'flame', a: 'gateway-a.pb.gz', b: 'gateway-b.pb.gz', dir: EXAMPLES, cli: ['paths', 'gateway-a.pb.gz', 'gateway-b.pb.gz'], expected: expectedFlame, read: readFlame },
  { view: 'memory', a: 'a/heap.txt', b: 'b/heap.txt', dir: GOTEXT, cli: ['memstats', 'a/heap.txt', 'b/heap.txt'], expected: expectedMemory },
  // given newest first: the core orders a series by profile time
  { view: 'trend', dir: SERIES, series: HEAP_SERIES.slice().reverse(), cli: ['trend', ...HEAP_SERIES], expected: expectedTrend, read: readTrend },
];

// ---- the suite -----------------------------------------------------------------------------

/** Every file under www/, as the URL paths the served page may ask for. */
function wwwPaths(dir = WWW, prefix = '/') {
  return readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory()
    ? wwwPaths(join(dir, name), `${prefix}${name}/`) : [`${prefix}${name}`]));
}

let server;

before(async () => {
  assert.ok(existsSync(join(WWW, 'pkg', 'profdiff.js')), 'www/pkg is missing: run scripts/build-wasm.sh');
  assert.ok(existsSync(DIST), 'dist/profdiff.html is missing: run node scripts/build-dist.mjs');
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await startServer();
});

after(async () => {
  if (!server) return;
  // the page asked the server for its own files only, and each of them existed
  const allowed = new Set(wwwPaths());
  for (const r of server.requests) {
    assert.ok(allowed.has(r.path) && r.status === 200, `a request for something that is not a www file: ${r.path}`);
  }
  await server.close();
});

// The engines run side by side, each in its own browser; the cases of one engine run in order.
describe('engines', { concurrency: ENGINES.length }, () => {
for (const engine of ENGINES) {
  // concurrency 1: the cases share the engine's one page (and would inherit the parent's 3)
  describe(engine, { concurrency: 1 }, () => {
    let driver;
    before(async () => {
      const missing = missingFor(engine);
      assert.equal(missing, null, `${engine}: ${missing} is missing (scripts/setup.sh browser installs it)`);
      driver = await launchEngine(engine);
      console.log(`engine: ${engine} ${driver.version} (${driver.via})`);
    });
    after(async () => {
      if (driver) await driver.close();
    });

    it('loads the bundled example', CASE, async () => {
      await open(driver, server.url);
      await click(driver, '#load-example');
      await waitFor(driver, 'the example', () => document.body.dataset.state === 'ready'
        && document.querySelector('#files-b').textContent === 'gateway-b.pb.gz');
      assert.equal(await selectedView(driver), 'compare');
      assert.equal(await text(driver, '#files-a'), 'gateway-a.pb.gz');
      const expected = expectedCompareRows(cliJson(['diff', 'gateway-a.pb.gz', 'gateway-b.pb.gz'], EXAMPLES));
      assert.deepEqual(await tableRows(driver, 'compare'), expected);
      await assertNoPageErrors(driver);
    });

    describe('views equal the CLI', () => {
      let loaded = null; // the files on the page, so that consecutive views share one load
      for (const { view, a, b, series, dir = FIXTURES, cli, expected, read = (d) => tableRows(d, view) } of VIEWS) {
        it(view, CASE, async () => {
          const files = JSON.stringify([dir, a, b, series]);
          if (loaded !== files) {
            await open(driver, server.url);
            if (series) {
              await loadSeries(driver, dir, series);
            } else {
              await loadSlot(driver, 'a', dir, a);
              await loadSlot(driver, 'b', dir, b);
            }
            loaded = files;
          }
          await showView(driver, view);
          const want = expected(cliJson(cli, dir));
          assert.ok(JSON.stringify(want).length > 2, `the CLI's ${view} is empty`);
          assert.deepEqual(await read(driver), want);
          await assertNoPageErrors(driver);
        });
      }
    });

    it('searches the rows and moves through them with the keyboard', CASE, async () => {
      const A = 'cpu.pb.gz';
      const B = 'cpu2.pb.gz';
      await open(driver, server.url);
      await loadSlot(driver, 'a', FIXTURES, A);
      await loadSlot(driver, 'b', FIXTURES, B);
      const all = expectedCompareRows(cliJson(['diff', A, B]));
      await driver.evaluate(() => document.querySelector('#view').focus());

      // / focuses the search; Enter applies a case-insensitive regexp
      await driver.press('/');
      assert.equal(await activeId(driver), 'search');
      await driver.type('SORT\\.');
      await driver.press('Enter');
      const want = all.filter((r) => /sort\./i.test(r.name));
      assert.ok(want.length > 0 && want.length < all.length);
      await waitFor(driver, 'the search to apply', (n) => document.querySelectorAll('table[data-view="compare"] tbody tr[data-name]').length === n, want.length);
      assert.deepEqual(await tableRows(driver, 'compare'), want);
      // Escape clears the search and leaves the field
      await driver.press('Escape');
      assert.notEqual(await activeId(driver), 'search');
      assert.equal(await driver.evaluate(() => document.querySelector('#search').value), '');
      assert.deepEqual(await tableRows(driver, 'compare'), all);

      // 1–4 switch views
      for (const [key, view] of [['1', 'top-a'], ['2', 'top-b'], ['4', 'paths'], ['3', 'compare']]) {
        await driver.press(key);
        await waitFor(driver, `key ${key}`, (v) => document.body.dataset.state === 'ready'
          && document.querySelector('#view').dataset.view === v, view);
      }
      // j/k move the selection; Enter opens the callers and callees; Escape closes them
      const selected = () => driver.evaluate(() => Array.from(
        document.querySelectorAll('table[data-view="compare"] tr[aria-selected="true"]'), (tr) => tr.dataset.name));
      await driver.press('j', 'j', 'j', 'k');
      assert.deepEqual(await selected(), [all[1].name]);
      await driver.press('Enter');
      await waitFor(driver, 'the callers/callees panel', (n) => document.body.dataset.state === 'ready'
        && !document.querySelector('#peek').hidden && document.querySelector('#peek').dataset.name === n, all[1].name);
      await driver.press('Escape');
      await waitFor(driver, 'the panel to close', () => document.querySelector('#peek').hidden);
      // ? opens the shortcuts, Escape closes them
      await driver.press('?');
      assert.equal(await driver.evaluate(() => document.querySelector('#shortcuts').open), true);
      await driver.press('Escape');
      assert.equal(await driver.evaluate(() => document.querySelector('#shortcuts').open), false);
      // keys typed into a field stay in it (the s of "sort" does not swap); Enter applies the filter
      await driver.evaluate(() => document.querySelector('input[name="hide"]').focus());
      await driver.type('sort');
      await driver.press('Enter');
      const hidden = expectedCompareRows(cliJson(['diff', '--hide=sort', A, B]));
      await waitFor(driver, 'the hide filter', (n) => document.body.dataset.state === 'ready'
        && document.querySelectorAll('table[data-view="compare"] tbody tr[data-name]').length === n, hidden.length);
      assert.equal(await text(driver, '#files-a'), A);
      assert.deepEqual(await tableRows(driver, 'compare'), hidden);
      await driver.evaluate(() => { document.querySelector('input[name="hide"]').value = ''; });
      await driver.press('Enter');
      await waitFor(driver, 'the filter to go', (n) => document.body.dataset.state === 'ready'
        && document.querySelectorAll('table[data-view="compare"] tbody tr[data-name]').length === n, all.length);
      await driver.evaluate(() => document.querySelector('#view').focus());
      // s swaps A and B
      await driver.press('s');
      await waitFor(driver, 'the swap', (n) => document.body.dataset.state === 'ready'
        && document.querySelector('#files-a').textContent === n, B);
      assert.deepEqual(await tableRows(driver, 'compare'), expectedCompareRows(cliJson(['diff', B, A])));
      await assertNoPageErrors(driver);
    });

    it('shows a bad file\'s error in its slot and keeps the other slot', CASE, async () => {
      const dir = tempDir();
      writeTemp(dir, 'bad.pb.gz', randomBytes(4096));
      const message = cliError(['top', 'bad.pb.gz'], dir);
      await open(driver, server.url);
      await loadSlot(driver, 'a', FIXTURES, 'heap.pb.gz');
      await loadSlot(driver, 'b', dir, 'bad.pb.gz');
      assert.equal(await text(driver, '#error-b'), message, 'the same one line as the CLI');
      assert.equal(await driver.evaluate(() => document.querySelector('#slot-b').dataset.loaded), 'false');
      assert.equal(await driver.evaluate(() => document.querySelector('#error-a').hidden), true);
      assert.equal(await text(driver, '#files-a'), 'heap.pb.gz');
      assert.equal(await selectedView(driver), 'top-a');
      assert.deepEqual(await tableRows(driver, 'top-a'), expectedTopRows(cliJson(['top', 'heap.pb.gz'])));
      // a good B then compares, and the error goes
      await loadSlot(driver, 'b', FIXTURES, 'heap2.pb.gz');
      assert.equal(await driver.evaluate(() => document.querySelector('#error-b').hidden), true);
      await showView(driver, 'compare');
      assert.deepEqual(await tableRows(driver, 'compare'), expectedCompareRows(cliJson(['diff', 'heap.pb.gz', 'heap2.pb.gz'])));
      await assertNoPageErrors(driver);
    });

    it('turns dark and back with the theme toggle', CASE, async () => {
      await open(driver, server.url);
      await click(driver, '#load-example');
      await waitFor(driver, 'the example', () => document.body.dataset.state === 'ready'
        && document.querySelector('table[data-view="compare"]') !== null);
      // Colours change with a transition: wait for the page's background to reach the theme's.
      const settle = (theme, bg) => waitFor(driver, `the ${theme} theme`, ([t, want]) => {
        const cell = document.querySelector('table[data-view="compare"] tbody td[data-col="name"]');
        const page = getComputedStyle(document.body).backgroundColor;
        return document.documentElement.dataset.theme === t && page === want && {
          page, text: getComputedStyle(cell).color, scheme: getComputedStyle(document.documentElement).colorScheme,
        };
      }, [theme, `rgb(${bg.join(', ')})`]);
      const light = await settle('auto', cssColor('light', '--bg'));
      await screenshot(driver, `engines-${engine}-compare.png`);
      assert.ok(luminance(rgb(light.text)) + 0.4 < luminance(rgb(light.page)), `light: dark text on a light page (${light.text} on ${light.page})`);
      await click(driver, '#theme-toggle');
      const dark = await settle('dark', cssColor('dark', '--bg'));
      await screenshot(driver, `engines-${engine}-compare-dark.png`);
      assert.equal(dark.scheme, 'dark');
      assert.ok(luminance(rgb(dark.text)) > luminance(rgb(dark.page)) + 0.4, `dark: light text on a dark page (${dark.text} on ${dark.page})`);
      // dark → light → auto: back where it started
      await click(driver, '#theme-toggle');
      await settle('light', cssColor('light', '--bg'));
      await click(driver, '#theme-toggle');
      assert.deepEqual(await settle('auto', cssColor('light', '--bg')), light);
      await assertNoPageErrors(driver);
    });

    it('shows whole values in the narrow number fields', CASE, async () => {
      await open(driver, server.url);
      await click(driver, '#load-example');
      await waitFor(driver, 'the controls', () => document.body.dataset.state === 'ready'
        && document.querySelector('#nodecount').clientWidth > 0 && document.querySelector('#nodefraction').clientWidth > 0);
      // a value wider than its field scrolls inside it: scrollWidth > clientWidth
      const fits = await driver.evaluate((cases) => cases.map(([id, value]) => {
        const input = document.getElementById(id);
        input.value = value;
        const fit = `${id}=${value}: ${input.scrollWidth} in ${input.clientWidth}`;
        input.value = '';
        return fit;
      }), [['nodecount', '1000'], ['nodefraction', '0.005']]);
      for (const fit of fits) {
        const [, scroll, client] = fit.match(/(\d+) in (\d+)$/).map(Number);
        assert.ok(scroll <= client, `${engine}: ${fit}`);
      }
      await assertNoPageErrors(driver);
    });

    it('shows the profiles a `profdiff html` page embeds', CASE, async () => {
      const file = join(tempDir(), 'embedded.html');
      cliOutput(['html', '--sample-index=alloc_space', 'gateway-a.pb.gz', 'gateway-b.pb.gz', '-o', file], EXAMPLES);
      await open(driver, pathToFileURL(file).href);
      await waitFor(driver, 'the embedded comparison', () => document.body.dataset.state === 'ready'
        && document.querySelector('table[data-view="compare"]') !== null);
      assert.equal(await driver.evaluate(() => document.querySelector('#sample-type').value), 'alloc_space');
      assert.deepEqual(await tableRows(driver, 'compare'), expectedCompareRows(
        cliJson(['diff', '--sample-index=alloc_space', 'gateway-a.pb.gz', 'gateway-b.pb.gz'], EXAMPLES)));
      await assertNoPageErrors(driver);
    });

    it('works as the dist file from file://', CASE, async () => {
      await open(driver, pathToFileURL(DIST).href);
      await loadSlot(driver, 'a', FIXTURES, 'heap.pb.gz');
      await loadSlot(driver, 'b', FIXTURES, 'heap2.pb.gz');
      await showView(driver, 'compare');
      assert.deepEqual(await tableRows(driver, 'compare'), expectedCompareRows(cliJson(['diff', 'heap.pb.gz', 'heap2.pb.gz'])));
      await click(driver, '#load-example');
      await waitFor(driver, 'the example', () => document.body.dataset.state === 'ready'
        && document.querySelector('#files-b').textContent === 'gateway-b.pb.gz');
      assert.deepEqual(await tableRows(driver, 'compare'),
        expectedCompareRows(cliJson(['diff', 'gateway-a.pb.gz', 'gateway-b.pb.gz'], EXAMPLES)));
      await assertNoPageErrors(driver);
    });
  });
}
});

// ---- colours -------------------------------------------------------------------------------

/** [r, g, b] of a computed `rgb(…)` / `rgba(…)` colour. */
function rgb(computed) {
  const m = computed.match(/^rgba?\((\d+),\s*(\d+),\s*(\d+)/);
  assert.ok(m, `not an rgb() colour: ${computed}`);
  return m.slice(1, 4).map(Number);
}

/** [r, g, b] of a `#rrggbb` custom property in style.css: the :root block, or the toggle's dark one. */
function cssColor(theme, name) {
  const css = readFileSync(join(WWW, 'style.css'), 'utf8');
  const block = theme === 'dark' ? css.slice(css.indexOf(':root[data-theme=dark]')) : css.slice(css.indexOf(':root {'));
  const m = block.match(new RegExp(`${name}:\\s*#([0-9a-f]{6})\\b`, 'i'));
  assert.ok(m, `style.css has no ${theme} ${name}`);
  return [0, 2, 4].map((i) => parseInt(m[1].slice(i, i + 2), 16));
}

/** Relative luminance (0 black … 1 white) of an [r, g, b] colour. */
function luminance([r, g, b]) {
  const lin = (c) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

// The page, part two: paths, the callers/callees panel, filters, search, exports, the diff
// profile and report downloads, a 50 000-row table, the keyboard, the theme and the URL
// fragment. Served from www/ and as dist/profdiff.html over file://; every value checked is the
// CLI's for the same files and flags.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ARTIFACTS, DIST, EXAMPLES, FIXTURES, MODES, WWW, cliJson, cliOutput, encodeProfile,
  expectedCompareRows, expectedPathRows, expectedTopRows, fixture, launchBrowser, openPage, pageUrl,
  scrollTable, setFiles, startServer, tableRows, tempDir, waitReady, writeTemp,
} from './lib.mjs';

const TIMEOUT = { timeout: 120000 };

let browser;
let server;

before(async () => {
  assert.ok(existsSync(join(WWW, 'pkg', 'profdiff.js')), 'www/pkg is missing: run scripts/build-wasm.sh');
  assert.ok(existsSync(DIST), 'dist/profdiff.html is missing: run node scripts/build-dist.mjs');
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await launchBrowser();
  server = await startServer();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.close();
});

async function selectedView(page) {
  return page.$eval('#view', (el) => el.dataset.view);
}

async function showView(page, view) {
  if ((await selectedView(page)) === view) return;
  await page.click(`button[data-view-tab="${view}"]`);
  await waitReady(page);
  assert.equal(await selectedView(page), view);
}

async function loadExample(page) {
  await page.click('#load-example');
  await waitReady(page);
  assert.equal(await selectedView(page), 'compare');
}

async function loadPair(page, a, b, dir = FIXTURES) {
  await setFiles(page, '#file-a', [fixture(a, dir)]);
  await waitReady(page);
  await setFiles(page, '#file-b', [fixture(b, dir)]);
  await waitReady(page);
}

/** Types a filter and applies it with Enter. */
async function setFilter(page, name, value) {
  await page.fill(`input[name="${name}"]`, value);
  await page.press(`input[name="${name}"]`, 'Enter');
  await waitReady(page);
}

/** The panel's edges as the CLI's peek JSON names them. */
function peekRows(page, role) {
  return page.$$eval(`#peek tr[data-role="${role}"]`, (trs) => trs.map((tr) => {
    const cell = (col) => {
      const td = tr.querySelector(`td[data-col="${col}"]`);
      return td ? td.textContent : null;
    };
    return { name: tr.dataset.name, aText: cell('a'), bText: cell('b'), deltaText: cell('delta') };
  }));
}

function expectedEdges(edges, { a = true, b = true, delta = true } = {}) {
  return edges.map((e) => ({
    name: e.name,
    aText: a ? e.aText : null,
    bText: b ? e.bText : null,
    deltaText: delta ? e.deltaText : null,
  }));
}

async function peekName(page) {
  return page.$eval('#peek', (el) => (el.hidden ? null : el.dataset.name));
}

/** Rows of the paths table with their depth and rank. */
function pathLines(page) {
  return page.$$eval('table[data-view="paths"] tbody tr[data-name]', (trs) => trs.map((tr) => ({
    name: tr.dataset.name,
    depth: Number(tr.dataset.depth),
    rank: tr.querySelector('td[data-col="rank"]').textContent,
    hidden: tr.hidden,
  })));
}

/** The string the last Copy button exported, exactly (document.body.dataset.lastExport). */
function lastExport(page) {
  return page.evaluate(() => document.body.dataset.lastExport);
}

function assertNoPageErrors(errors) {
  assert.deepEqual(errors, [], 'the page logged errors');
}

async function settle(page) {
  await page.mouse.move(700, 895);
  await page.evaluate(() => document.activeElement && document.activeElement.blur && document.activeElement.blur());
}

// The two modes run side by side (one browser, a context per test).
describe('features', { concurrency: MODES.length }, () => {
for (const mode of MODES) {
  describe(`features (${mode})`, () => {
    it('folds the growth paths by prefix, ranks compress/flate.NewWriter first, folds and unfolds', TIMEOUT, async () => {
      const { page, context, errors } = await openPage(browser, mode, server);
      try {
        await loadExample(page);
        await page.keyboard.press('4');
        await waitReady(page);
        assert.equal(await selectedView(page), 'paths');
        const cli = cliJson(['paths', 'gateway-a.pb.gz', 'gateway-b.pb.gz'], EXAMPLES);
        assert.deepEqual(await tableRows(page, 'paths'), expectedPathRows(cli));

        const lines = await pathLines(page);
        const first = lines.findIndex((l) => l.rank === '#1');
        assert.equal(lines[first].name, 'compress/flate.NewWriter');
        const ancestors = [];
        for (let i = first - 1, depth = lines[first].depth; i >= 0 && depth > 0; i--) {
          if (lines[i].depth < depth) {
            ancestors.unshift(lines[i].name);
            depth = lines[i].depth;
          }
        }
        assert.ok(ancestors.includes('main.(*metricsHandler).ServeHTTP'), ancestors.join(' > '));
        assert.equal(ancestors[0], 'net/http.(*conn).serve');

        // fold the rank-1 line: its subtree disappears; unfold: it is back
        const row = `table[data-view="paths"] tbody tr[data-index="${first}"]`;
        const below = lines.slice(first + 1).findIndex((l) => l.depth <= lines[first].depth);
        const subtree = below < 0 ? lines.length - first - 1 : below;
        assert.ok(subtree > 0);
        await page.click(`${row} .disclosure`);
        assert.equal(await page.getAttribute(row, 'aria-expanded'), 'false');
        let now = await pathLines(page);
        assert.ok(now.slice(first + 1, first + 1 + subtree).every((l) => l.hidden));
        assert.ok(!now[first].hidden);
        assert.equal(await peekName(page), null, 'the triangle only folds');
        await page.click(`${row} .disclosure`);
        now = await pathLines(page);
        assert.ok(now.every((l) => !l.hidden));

        // a click on the line selects it and opens its callers/callees
        await page.click(`${row} td[data-col="name"] .fn`);
        await waitReady(page);
        assert.equal(await page.getAttribute(row, 'aria-selected'), 'true');
        assert.equal(await peekName(page), 'compress/flate.NewWriter');
        await settle(page);
        await page.screenshot({ path: join(ARTIFACTS, `paths-${mode}.png`) });
        assertNoPageErrors(errors);
      } finally {
        await context.close();
      }
    });

    it('shows callers and callees as the CLI\'s peek, navigates, goes back, focuses paths', TIMEOUT, async () => {
      const { page, context, errors } = await openPage(browser, mode, server);
      const name = 'compress/flate.NewWriter';
      try {
        await loadExample(page);
        await page.click(`table[data-view="compare"] tbody tr[data-name="${name}"] td[data-col="name"]`);
        await waitReady(page);
        assert.equal(await peekName(page), name);
        const peek = cliJson(['peek', '--name', name, 'gateway-a.pb.gz', 'gateway-b.pb.gz'], EXAMPLES);
        assert.ok(peek.callers.length > 0 && peek.callees.length > 0);
        assert.deepEqual(await peekRows(page, 'caller'), expectedEdges(peek.callers));
        assert.deepEqual(await peekRows(page, 'callee'), expectedEdges(peek.callees));
        assert.equal(await page.textContent('#peek-name'), name);
        await settle(page);
        await page.screenshot({ path: join(ARTIFACTS, `peek-${mode}.png`) });

        // navigate to the caller, then to its caller
        const caller = peek.callers[0].name;
        await page.click(`#peek tr[data-role="caller"][data-name="${caller}"]`);
        await waitReady(page);
        assert.equal(await peekName(page), caller);
        const callerPeek = cliJson(['peek', '--name', caller, 'gateway-a.pb.gz', 'gateway-b.pb.gz'], EXAMPLES);
        assert.deepEqual(await peekRows(page, 'caller'), expectedEdges(callerPeek.callers));
        assert.deepEqual(await peekRows(page, 'callee'), expectedEdges(callerPeek.callees));
        assert.ok(callerPeek.callees.some((e) => e.name === name));
        assert.equal(await page.getAttribute(`table[data-view="compare"] tr[data-name="${caller}"]`, 'aria-selected'), 'true',
          'the table follows the panel');
        const grand = callerPeek.callers[0].name;
        await page.click(`#peek tr[data-role="caller"][data-name="${grand}"]`);
        await waitReady(page);
        assert.equal(await peekName(page), grand);

        // back, back
        await page.click('#peek-back');
        await waitReady(page);
        assert.equal(await peekName(page), caller);
        await page.click('#peek-back');
        await waitReady(page);
        assert.equal(await peekName(page), name);
        assert.equal(await page.isDisabled('#peek-back'), true);

        // focus the paths on it
        await page.click('#peek-focus-paths');
        await waitReady(page);
        assert.equal(await selectedView(page), 'paths');
        const focus = '^compress/flate\\.NewWriter$';
        assert.equal(await page.inputValue('input[name="focus"]'), focus);
        assert.equal(await page.textContent('.filter-chip[data-filter="focus"] .chip-value'), focus);
        const focused = cliJson(['paths', `--focus=${focus}`, 'gateway-a.pb.gz', 'gateway-b.pb.gz'], EXAMPLES);
        assert.deepEqual(await tableRows(page, 'paths'), expectedPathRows(focused));
        assert.equal(await peekName(page), name, 'the panel stays');

        // Escape closes the panel
        await page.keyboard.press('Escape');
        assert.equal(await peekName(page), null);
        assertNoPageErrors(errors);
      } finally {
        await context.close();
      }
    });

    it('shows one side\'s callers and callees when only one profile is loaded', TIMEOUT, async () => {
      const { page, context, errors } = await openPage(browser, mode, server);
      try {
        await setFiles(page, '#file-b', [fixture('cpu2.pb.gz')]);
        await waitReady(page);
        assert.equal(await selectedView(page), 'top-b');
        await page.click('table[data-view="top-b"] tbody tr[data-name="main.tokenize"]');
        await waitReady(page);
        assert.equal(await peekName(page), 'main.tokenize');
        // the CLI shows one file as A; the page shows B's column only
        const peek = cliJson(['peek', '--name', 'main.tokenize', 'cpu2.pb.gz']);
        assert.equal(peek.hasB, false);
        const asB = (edges) => edges.map((e) => ({ name: e.name, aText: null, bText: e.aText, deltaText: null }));
        assert.ok(peek.callers.length > 0 && peek.callees.length > 0);
        assert.deepEqual(await peekRows(page, 'caller'), asB(peek.callers));
        assert.deepEqual(await peekRows(page, 'callee'), asB(peek.callees));
        assert.equal(await page.isDisabled('#peek-focus-paths'), true);
        assertNoPageErrors(errors);
      } finally {
        await context.close();
      }
    });

    it('applies every filter to both sides as the CLI does, with removable chips', TIMEOUT, async () => {
      const { page, context, errors } = await openPage(browser, mode, server);
      const A = 'cpu.pb.gz';
      const B = 'cpu2.pb.gz';
      try {
        await loadPair(page, A, B);
        assert.equal(await selectedView(page), 'compare');
        const plain = expectedCompareRows(cliJson(['diff', A, B]));
        assert.deepEqual(await tableRows(page, 'compare'), plain);

        // the tag filters suggest the profiles' label keys and values
        const suggestions = await page.$$eval('#tag-suggestions option', (os) => os.map((o) => o.value));
        for (const s of ['worker=a', 'worker=b', 'phase=parse', 'phase=render']) assert.ok(suggestions.includes(s), s);
        assert.equal(await page.getAttribute('input[name="tagfocus"]', 'list'), 'tag-suggestions');

        const cases = [
          ['focus', 'main\\.tokenize'],
          ['ignore', 'sha256'],
          ['hide', 'runtime'],
          ['show', 'main\\.'],
          ['show_from', 'main\\.parseRecords'],
          ['tagfocus', 'worker=a'],
          ['tagignore', 'phase=parse'],
        ];
        for (const [name, value] of cases) {
          const flag = `--${name.replace('_', '-')}=${value}`;
          await setFilter(page, name, value);
          const expected = expectedCompareRows(cliJson(['diff', flag, A, B]));
          assert.notDeepEqual(expected, plain, `${flag} changes the comparison`);
          assert.deepEqual(await tableRows(page, 'compare'), expected, `compare ${flag}`);
          assert.equal(await page.textContent(`.filter-chip[data-filter="${name}"] .chip-value`), value);
          // the same filter on one side's top
          await showView(page, 'top-b');
          assert.deepEqual(await tableRows(page, 'top-b'), expectedTopRows(cliJson(['top', flag, B])), `top ${flag}`);
          await showView(page, 'compare');
          // the chip's × removes it
          await page.click(`.filter-chip[data-filter="${name}"] .chip-remove`);
          await waitReady(page);
          assert.equal(await page.inputValue(`input[name="${name}"]`), '');
          assert.equal(await page.$(`.filter-chip[data-filter="${name}"]`), null);
          assert.deepEqual(await tableRows(page, 'compare'), plain);
        }

        // two at once, applied on change (leaving the field) as well as on Enter
        await page.fill('input[name="tagfocus"]', 'worker=b');
        await page.fill('input[name="focus"]', 'main\\.');
        await page.press('input[name="focus"]', 'Tab');
        await waitReady(page);
        const both = cliJson(['diff', '--tagfocus=worker=b', '--focus=main\\.', A, B]);
        assert.deepEqual(await tableRows(page, 'compare'), expectedCompareRows(both));
        assert.equal(await page.$$eval('.filter-chip', (els) => els.length), 2);
        await showView(page, 'paths');
        assert.deepEqual(await tableRows(page, 'paths'),
          expectedPathRows(cliJson(['paths', '--tagfocus=worker=b', '--focus=main\\.', A, B])));
        await page.click('#clear-filters');
        await waitReady(page);
        assert.equal(await page.$$eval('.filter-chip', (els) => els.length), 0);
        assert.deepEqual(await tableRows(page, 'paths'), expectedPathRows(cliJson(['paths', A, B])));

        // a bad regexp is the core's error, in the view
        await showView(page, 'compare');
        await setFilter(page, 'focus', '(');
        assert.match(await page.textContent('#view-error'), /focus/);
        await page.click('.filter-chip[data-filter="focus"] .chip-remove');
        await waitReady(page);
        assert.equal(await page.$('#view-error'), null);
        assertNoPageErrors(errors);
      } finally {
        await context.close();
      }
    });

    it('searches the visible rows by regexp, or as text when the regexp is invalid', TIMEOUT, async () => {
      const { page, context, errors } = await openPage(browser, mode, server);
      const A = 'cpu.pb.gz';
      const B = 'cpu2.pb.gz';
      try {
        await loadPair(page, A, B);
        const all = expectedCompareRows(cliJson(['diff', A, B]));
        await page.keyboard.press('/');
        assert.equal(await page.evaluate(() => document.activeElement.id), 'search');
        await page.keyboard.type('SORT\\.');
        // typing applies after a 60 ms pause; Enter applies at once
        await page.keyboard.press('Enter');
        const want = all.filter((r) => /sort\./i.test(r.name));
        assert.ok(want.length > 0);
        assert.deepEqual(await tableRows(page, 'compare'), want);
        assert.equal(await page.getAttribute('table[data-view="compare"]', 'data-rows'), String(all.length), 'the report is unchanged');
        // an invalid regexp is a plain substring
        await page.fill('#search', 'main.cpuMix1.func1(');
        await page.press('#search', 'Enter');
        assert.deepEqual((await tableRows(page, 'compare')).map((r) => r.name), []);
        await page.fill('#search', '(*digest');
        await page.press('#search', 'Enter');
        assert.deepEqual((await tableRows(page, 'compare')).map((r) => r.name), all.filter((r) => r.name.includes('(*digest')).map((r) => r.name));
        // the search stays across views, on the paths tree too (matches keep their ancestors)
        await page.fill('#search', 'sha256');
        await page.press('#search', 'Enter');
        await showView(page, 'top-a');
        const topA = expectedTopRows(cliJson(['top', A]));
        assert.deepEqual(await tableRows(page, 'top-a'), topA.filter((r) => /sha256/i.test(r.name)));
        // Escape clears it
        await page.focus('#search');
        await page.keyboard.press('Escape');
        assert.equal(await page.inputValue('#search'), '');
        assert.deepEqual(await tableRows(page, 'top-a'), topA);
        assertNoPageErrors(errors);
      } finally {
        await context.close();
      }
    });

    it('copies every view in every format exactly as the CLI prints it', TIMEOUT, async () => {
      const { page, context, errors } = await openPage(browser, mode, server);
      try {
        await context.grantPermissions(['clipboard-read', 'clipboard-write']).catch(() => {});
        await loadExample(page);
        const cli = {
          'top-a': (f) => ['top', `--format=${f}`, 'gateway-a.pb.gz'],
          'top-b': (f) => ['top', `--format=${f}`, 'gateway-b.pb.gz'],
          compare: (f) => ['diff', `--format=${f}`, 'gateway-a.pb.gz', 'gateway-b.pb.gz'],
          paths: (f) => ['paths', `--format=${f}`, 'gateway-a.pb.gz', 'gateway-b.pb.gz'],
        };
        for (const view of ['top-a', 'top-b', 'compare', 'paths']) {
          await showView(page, view);
          for (const format of ['text', 'markdown', 'csv', 'json']) {
            await page.click(`#copy-${format}`);
            await waitReady(page);
            assert.equal(await page.getAttribute('body', 'data-last-export-format'), format);
            assert.equal(await page.getAttribute('body', 'data-last-export-view'), view);
            const text = await lastExport(page);
            assert.equal(text, cliOutput(cli[view](format), EXAMPLES), `${view} ${format}`);
          }
        }
        // with options: the same flags
        await page.selectOption('#sample-type', 'alloc_space');
        await waitReady(page);
        await setFilter(page, 'hide', 'runtime');
        await page.click('#copy-markdown');
        await waitReady(page);
        assert.equal(await lastExport(page),
          cliOutput(['paths', '--format=markdown', '--sample-index=alloc_space', '--hide=runtime', 'gateway-a.pb.gz', 'gateway-b.pb.gz'], EXAMPLES));
        // the clipboard got it too, where the browser allows reading it back
        const clip = await page.evaluate(() => navigator.clipboard.readText().catch(() => null));
        if (clip !== null) assert.equal(clip, await lastExport(page));
        assertNoPageErrors(errors);
      } finally {
        await context.close();
      }
    });

    it('downloads the diff profile and saves the report', TIMEOUT, async () => {
      const { page, context, errors, requests } = await openPage(browser, mode, server);
      const dir = tempDir();
      try {
        await loadExample(page);
        const before = requests.length;
        const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-diff')]);
        await waitReady(page);
        assert.equal(download.suggestedFilename(), 'profdiff-diff.pb.gz');
        assert.ok(download.url().startsWith('blob:'), download.url());
        const file = join(dir, 'profdiff-diff.pb.gz');
        await download.saveAs(file);
        const decoded = cliJson(['top', file], EXAMPLES);
        const expected = cliJson(['top', '--diff-base=gateway-a.pb.gz', 'gateway-b.pb.gz'], EXAMPLES);
        assert.deepEqual(decoded.rows, expected.rows);

        const [report] = await Promise.all([page.waitForEvent('download'), page.click('#save-report')]);
        await waitReady(page);
        assert.equal(report.suggestedFilename(), 'profdiff-report.html');
        const html = join(dir, 'profdiff-report.html');
        await report.saveAs(html);
        const text = readFileSync(html, 'utf8');
        assert.ok(!/<script/i.test(text), 'the report has no script');
        assert.match(text, /Content-Security-Policy/);
        const diff = cliJson(['diff', 'gateway-a.pb.gz', 'gateway-b.pb.gz'], EXAMPLES);
        for (const r of diff.rows) {
          assert.ok(text.includes(r.name), `the report lists ${r.name}`);
          assert.ok(text.includes(r.deltaFlatText), `the report has ${r.deltaFlatText}`);
        }
        for (const url of requests.slice(before)) assert.ok(url.startsWith('blob:'), `no network: ${url}`);
        assertNoPageErrors(errors);
      } finally {
        await context.close();
      }
    });

    it('renders 50 000 rows virtually, scrolls to the end and sorts them', TIMEOUT, async () => {
      const N = 50000;
      const dir = tempDir();
      // 50 000 distinct leaf functions with distinct values (a permutation of 1..N), so the
      // report order, the name order and the value order all differ
      const samples = [];
      for (let i = 0; i < N; i++) {
        samples.push({ stack: [`pkg.fn${String(i).padStart(5, '0')}`], values: [((i * 7919) % N) + 1] });
      }
      const bytes = encodeProfile({ sampleTypes: [['samples', 'count']], samples });
      writeTemp(dir, 'wide.pb.gz', bytes);
      const cli = cliJson(['top', '--nodefraction=0', 'wide.pb.gz'], dir);
      assert.equal(cli.rows.length, N);
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      try {
        const page = await context.newPage();
        const errors = [];
        page.on('pageerror', (e) => errors.push(e.message));
        await page.goto(`${pageUrl(mode, server)}#nf=0`);
        await waitReady(page);
        await setFiles(page, '#file-a', [{ name: 'wide.pb.gz', bytes }]);
        await waitReady(page);
        assert.equal(await page.inputValue('#nodefraction'), '0');
        assert.equal(await page.getAttribute('table[data-view="top-a"]', 'data-rows'), String(N));
        const rendered = await page.$$eval('table[data-view="top-a"] tbody tr', (trs) => trs.length);
        assert.ok(rendered < 300, `${rendered} rows in the DOM`);
        const expected = expectedTopRows(cli);
        assert.deepEqual(await tableRows(page, 'top-a'), expected.slice(0, (await tableRows(page, 'top-a')).length));

        const end = await scrollTable(page, 'top-a', 1e9);
        assert.ok(end.atEnd);
        const last = end.rows[end.rows.length - 1];
        assert.equal(last.index, N - 1);
        assert.deepEqual(last.row, expected[N - 1]);
        assert.ok(end.rows.length < 300);

        // sort by cum: descending raw values, which is the CLI's --cum order
        await page.click('table[data-view="top-a"] th[data-col="cum"] button');
        const top = await scrollTable(page, 'top-a', 0);
        const byCum = expectedTopRows(cliJson(['top', '--nodefraction=0', '--cum', 'wide.pb.gz'], dir));
        assert.deepEqual(top.rows.slice(0, 50).map((r) => r.row), byCum.slice(0, 50));
        assert.equal(await page.getAttribute('table[data-view="top-a"] th[data-col="cum"]', 'aria-sort'), 'descending');
        // ascending: the smallest first; names: in code-point order
        await page.click('table[data-view="top-a"] th[data-col="cum"] button');
        const asc = await scrollTable(page, 'top-a', 0);
        assert.deepEqual(asc.rows.slice(0, 20).map((r) => r.row), byCum.slice(-20).reverse());
        await page.click('table[data-view="top-a"] th[data-col="name"] button');
        const byName = await scrollTable(page, 'top-a', 0);
        assert.deepEqual(byName.rows.slice(0, 20).map((r) => r.row.name),
          Array.from({ length: 20 }, (_, i) => `pkg.fn${String(i).padStart(5, '0')}`));
        const nameEnd = await scrollTable(page, 'top-a', 1e9);
        assert.equal(nameEnd.rows[nameEnd.rows.length - 1].row.name, `pkg.fn${N - 1}`);

        // j/k and the search work on the virtual table
        await page.fill('#search', 'fn4999[0-9]$');
        await page.press('#search', 'Enter');
        assert.equal(await page.getAttribute('table[data-view="top-a"]', 'data-shown'), '10');
        assert.equal(errors.length, 0, errors.join('\n'));
      } finally {
        await context.close();
      }
    });

    it('answers every shortcut, and the theme toggle cycles auto, dark, light', TIMEOUT, async () => {
      const { page, context, errors } = await openPage(browser, mode, server);
      try {
        await loadExample(page);
        // / focuses the search
        await page.keyboard.press('/');
        assert.equal(await page.evaluate(() => document.activeElement.id), 'search');
        await page.keyboard.press('Escape');
        assert.notEqual(await page.evaluate(() => document.activeElement.id), 'search');
        // 1–4 switch views
        for (const [key, view] of [['1', 'top-a'], ['2', 'top-b'], ['4', 'paths'], ['3', 'compare']]) {
          await page.keyboard.press(key);
          await waitReady(page);
          assert.equal(await selectedView(page), view, `key ${key}`);
        }
        // j/k move the selection
        const names = (await tableRows(page, 'compare')).map((r) => r.name);
        const selected = () => page.$$eval('table[data-view="compare"] tr[aria-selected="true"]', (trs) => trs.map((tr) => [tr.dataset.name, tr.dataset.selected]));
        await page.keyboard.press('j');
        assert.deepEqual(await selected(), [[names[0], 'true']]);
        await page.keyboard.press('j');
        await page.keyboard.press('j');
        assert.deepEqual(await selected(), [[names[2], 'true']]);
        await page.keyboard.press('k');
        assert.deepEqual(await selected(), [[names[1], 'true']]);
        // Enter opens the callers/callees of the selected row
        await page.keyboard.press('Enter');
        await waitReady(page);
        assert.equal(await peekName(page), names[1]);
        // j with the panel open: the panel follows
        await page.keyboard.press('j');
        await waitReady(page);
        assert.equal(await peekName(page), names[2]);
        // s swaps A and B
        await page.keyboard.press('s');
        await waitReady(page);
        assert.equal(await page.textContent('#files-a'), 'gateway-b.pb.gz');
        assert.equal(await page.textContent('#files-b'), 'gateway-a.pb.gz');
        assert.deepEqual(await tableRows(page, 'compare'),
          expectedCompareRows(cliJson(['diff', 'gateway-b.pb.gz', 'gateway-a.pb.gz'], EXAMPLES)));
        // ? opens the shortcuts, Escape closes them
        await page.keyboard.press('?');
        assert.equal(await page.isVisible('#shortcuts'), true);
        assert.equal(await page.$eval('#shortcuts', (d) => d.open), true);
        await page.keyboard.press('Escape');
        assert.equal(await page.$eval('#shortcuts', (d) => d.open), false);
        assert.equal(await page.isVisible('#shortcuts'), false);
        // keys typed into a field stay in it
        await page.focus('input[name="hide"]');
        await page.keyboard.type('s1');
        assert.equal(await page.inputValue('input[name="hide"]'), 's1');
        assert.equal(await selectedView(page), 'compare');
        assert.equal(await page.textContent('#files-a'), 'gateway-b.pb.gz');
        await page.fill('input[name="hide"]', '');
        await page.focus('#view');

        // theme: auto (the OS, light here) → dark → light → auto
        const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
        assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'auto');
        const light = await bg();
        await page.click('#theme-toggle');
        assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
        const dark = await bg();
        assert.notEqual(dark, light);
        await page.keyboard.press('4');
        await waitReady(page);
        await page.click('table[data-view="paths"] tr[data-rank="1"] .fn');
        await waitReady(page);
        await settle(page);
        await page.screenshot({ path: join(ARTIFACTS, `paths-${mode}-dark.png`) });
        await page.click('#theme-toggle');
        assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light');
        assert.equal(await bg(), light);
        await page.emulateMedia({ colorScheme: 'dark' });
        assert.equal(await bg(), light, 'light wins over the OS');
        await page.click('#theme-toggle');
        assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'auto');
        assert.equal(await bg(), dark, 'auto follows the OS');
        await page.emulateMedia({ colorScheme: 'light' });
        assertNoPageErrors(errors);
      } finally {
        await context.close();
      }
    });

    it('keeps the view state in the URL fragment and restores it once the files are loaded', TIMEOUT, async () => {
      const { page, context, errors } = await openPage(browser, mode, server);
      const A = 'heap.pb.gz';
      const B = 'heap2.pb.gz';
      let hash;
      const flags = ['--sample-index=alloc_space', '--granularity=lines', '--cum', '--nodecount=12', '--hide=runtime', '--tagignore=bytes=:64'];
      try {
        await loadPair(page, A, B);
        await page.selectOption('#sample-type', 'alloc_space');
        await waitReady(page);
        await page.selectOption('#granularity', 'lines');
        await waitReady(page);
        await page.selectOption('#order', 'cum');
        await waitReady(page);
        await page.fill('#nodecount', '12');
        await page.dispatchEvent('#nodecount', 'change');
        await waitReady(page);
        await setFilter(page, 'hide', 'runtime');
        await setFilter(page, 'tagignore', 'bytes=:64');
        const expected = cliJson(['diff', ...flags, A, B]);
        assert.deepEqual(await tableRows(page, 'compare'), expectedCompareRows(expected));
        await page.click('table[data-view="compare"] th[data-col="delta-pct"] button');
        const sel = expected.rows[3].name;
        await page.click(`table[data-view="compare"] tr[data-name="${sel}"]`);
        await waitReady(page);
        hash = await page.evaluate(() => location.hash);
        const params = new URLSearchParams(hash.slice(1));
        assert.equal(params.get('view'), 'compare');
        assert.equal(params.get('si'), 'alloc_space');
        assert.equal(params.get('g'), 'lines');
        assert.equal(params.get('sort'), 'cum');
        assert.equal(params.get('cs'), 'delta-pct:desc');
        assert.equal(params.get('n'), '12');
        assert.equal(params.get('hide'), 'runtime');
        assert.equal(params.get('tagignore'), 'bytes=:64');
        assert.equal(params.get('sel'), sel);
        assert.ok(!hash.includes('pb.gz'), 'no file in the URL');
      } finally {
        await context.close();
      }

      // a new page with that fragment: the controls at once, the rest once the files are there
      const context2 = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      try {
        const page = await context2.newPage();
        const errors2 = [];
        page.on('pageerror', (e) => errors2.push(e.message));
        await page.goto(pageUrl(mode, server) + hash);
        await waitReady(page);
        assert.equal(await page.inputValue('#granularity'), 'lines');
        assert.equal(await page.inputValue('input[name="hide"]'), 'runtime');
        assert.equal(await page.evaluate(() => location.hash), hash, 'the link waits for the files');
        await setFiles(page, '#file-a', [fixture(A)]);
        await waitReady(page);
        assert.equal(await selectedView(page), 'top-a', 'compare needs B');
        await setFiles(page, '#file-b', [fixture(B)]);
        await waitReady(page);
        assert.equal(await selectedView(page), 'compare');
        assert.equal(await page.inputValue('#sample-type'), 'alloc_space');
        assert.equal(await page.inputValue('#order'), 'cum');
        assert.equal(await page.inputValue('#nodecount'), '12');
        assert.equal(await page.inputValue('input[name="tagignore"]'), 'bytes=:64');
        assert.equal(await page.textContent('.filter-chip[data-filter="hide"] .chip-value'), 'runtime');
        const expected = cliJson(['diff', ...flags, A, B]);
        const rows = await tableRows(page, 'compare');
        assert.deepEqual([...rows].sort((x, y) => (x.name < y.name ? -1 : 1)),
          [...expectedCompareRows(expected)].sort((x, y) => (x.name < y.name ? -1 : 1)));
        assert.equal(await page.getAttribute('table[data-view="compare"] th[data-col="delta-pct"]', 'aria-sort'), 'descending');
        const sel = new URLSearchParams(hash.slice(1)).get('sel');
        assert.deepEqual(await page.$$eval('table[data-view="compare"] tr[aria-selected="true"]', (trs) => trs.map((t) => t.dataset.name)), [sel]);
        assert.equal(await page.evaluate(() => location.hash), hash, 'the same state, the same fragment');
        // reload: the same again
        await page.reload();
        await waitReady(page);
        await setFiles(page, '#file-a', [fixture(A)]);
        await waitReady(page);
        await setFiles(page, '#file-b', [fixture(B)]);
        await waitReady(page);
        assert.equal(await page.evaluate(() => location.hash), hash);
        assert.deepEqual(errors2, []);
      } finally {
        await context2.close();
      }

      // #example with a view
      const context3 = await browser.newContext();
      try {
        const page = await context3.newPage();
        await page.goto(`${pageUrl(mode, server)}#example&view=paths&top=5`);
        await page.waitForSelector('table[data-view="paths"]');
        await waitReady(page);
        assert.equal(await selectedView(page), 'paths');
        assert.deepEqual(await tableRows(page, 'paths'),
          expectedPathRows(cliJson(['paths', '--top=5', 'gateway-a.pb.gz', 'gateway-b.pb.gz'], EXAMPLES)));
        assert.match(await page.evaluate(() => location.hash), /^#example&view=paths&top=5$/);
      } finally {
        await context3.close();
      }
      assertNoPageErrors(errors);
    });
  });
}
});

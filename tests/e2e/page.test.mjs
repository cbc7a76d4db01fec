// The page in headless Chromium, served from www/ and as dist/profdiff.html over file://.
// Every number checked against the page is the CLI's, for the same files and flags.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ARTIFACTS, DIST, EXAMPLES, FIXTURES, MODES, WWW, cliError, cliJson, dropFiles, encodeProfile,
  expectedCompareRows, expectedPathRows, expectedTopRows, fixture, launchBrowser, openPage,
  pageUrl, randomBytes, scrollTable, setFiles, startServer, tableRows, tempDir, waitReady, writeTemp,
} from './lib.mjs';

const TIMEOUT = { timeout: 120000 };

let browser;
let server;

before(async () => {
  assert.ok(existsSync(join(WWW, 'pkg', 'profdiff.js')), 'www/pkg is missing: run scripts/build-wasm.sh');
  assert.ok(existsSync(DIST), 'dist/profdiff.html is missing: run node scripts/build-dist.mjs');
  browser = await launchBrowser();
  server = await startServer();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.close();
});

/** Every file under www/, as the URL paths the served page may ask for. */
function wwwPaths(dir = WWW, prefix = '/') {
  const out = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...wwwPaths(full, `${prefix}${name}/`));
    else out.push(`${prefix}${name}`);
  }
  return out;
}

/** Asserts that every request stayed on the page's own files. */
function assertLocalRequests(mode, requests) {
  assert.ok(requests.length > 0, 'no request was recorded at all');
  if (mode === 'served') {
    const allowed = new Set(wwwPaths());
    for (const url of requests) {
      if (url.startsWith('blob:') || url.startsWith('data:')) continue;
      const u = new URL(url);
      assert.equal(u.origin, server.origin, `request left the page's origin: ${url}`);
      assert.ok(allowed.has(u.pathname), `request for something that is not a www file: ${url}`);
    }
    for (const r of server.requests) {
      assert.equal(r.status, 200, `the server was asked for a missing file: ${r.path}`);
    }
  } else {
    const self = pathToFileURL(DIST).href;
    for (const url of requests) {
      if (url.startsWith('blob:') || url.startsWith('data:')) continue;
      assert.equal(url, self, `dist page made a request other than its own file: ${url}`);
    }
  }
}

function assertNoPageErrors(errors) {
  assert.deepEqual(errors, [], 'the page logged errors');
}

async function selectedView(page) {
  return page.$eval('#view', (el) => el.dataset.view);
}

async function showView(page, view) {
  if ((await selectedView(page)) === view) return;
  await page.click(`button[data-view-tab="${view}"]`);
  await waitReady(page);
  assert.equal(await selectedView(page), view);
}

async function checkTop(page, slot, file, flags = []) {
  await showView(page, `top-${slot}`);
  const expected = cliJson(['top', ...flags, file]);
  assert.ok(expected.rows.length > 0);
  assert.deepEqual(await tableRows(page, `top-${slot}`), expectedTopRows(expected), `top ${slot} ${flags.join(' ')}`);
  return expected;
}

async function checkCompare(page, a, b, flags = [], cwd = FIXTURES) {
  await showView(page, 'compare');
  const expected = cliJson(['diff', ...flags, a, b], cwd);
  assert.ok(expected.rows.length > 0);
  assert.deepEqual(await tableRows(page, 'compare'), expectedCompareRows(expected), `compare ${flags.join(' ')}`);
  return expected;
}

async function checkText(page, view, expectedText) {
  await page.check('#show-text');
  const text = await page.$eval(`pre[data-view-text="${view}"]`, (pre) => pre.textContent);
  assert.equal(text, expectedText, `text of ${view}`);
  await page.uncheck('#show-text');
  await page.waitForSelector(`table[data-view="${view}"]`);
}

// The two modes run side by side (one browser, a context per test).
describe('page', { concurrency: MODES.length }, () => {
for (const mode of MODES) {
  describe(`page (${mode})`, () => {
    it('shows the CLI\'s top and compare cells for heap.pb.gz and heap2.pb.gz', TIMEOUT, async () => {
      const { page, context, requests, errors } = await openPage(browser, mode, server);
      try {
        await setFiles(page, '#file-a', [fixture('heap.pb.gz')]);
        await waitReady(page);
        assert.equal(await selectedView(page), 'top-a', 'one profile: its top view');
        assert.equal(await page.textContent('#files-a'), 'heap.pb.gz');
        const topA = await checkTop(page, 'a', 'heap.pb.gz');
        await checkText(page, 'top-a', topA.text);

        await setFiles(page, '#file-b', [fixture('heap2.pb.gz')]);
        await waitReady(page);
        assert.equal(await selectedView(page), 'compare', 'two profiles: the comparison');
        const diff = await checkCompare(page, 'heap.pb.gz', 'heap2.pb.gz');
        await checkText(page, 'compare', diff.text);
        assert.equal(await page.textContent('[data-field="delta-total"]'), diff.deltaTotalText);
        await checkTop(page, 'b', 'heap2.pb.gz');

        // heap profiles offer their four sample types
        const types = await page.$$eval('#sample-type option', (os) => os.map((o) => o.value));
        assert.deepEqual([...types].sort(), ['alloc_objects', 'alloc_space', 'inuse_objects', 'inuse_space']);
        assert.equal(await page.inputValue('#sample-type'), 'inuse_space');

        await page.selectOption('#sample-type', 'alloc_space');
        await waitReady(page);
        await checkTop(page, 'b', 'heap2.pb.gz', ['--sample-index=alloc_space']);
        await checkCompare(page, 'heap.pb.gz', 'heap2.pb.gz', ['--sample-index=alloc_space']);

        await page.selectOption('#granularity', 'lines');
        await waitReady(page);
        await checkCompare(page, 'heap.pb.gz', 'heap2.pb.gz', ['--sample-index=alloc_space', '--granularity=lines']);
        await checkTop(page, 'a', 'heap.pb.gz', ['--sample-index=alloc_space', '--granularity=lines']);

        await page.selectOption('#order', 'cum');
        await waitReady(page);
        await checkTop(page, 'a', 'heap.pb.gz', ['--sample-index=alloc_space', '--granularity=lines', '--cum']);
        await checkCompare(page, 'heap.pb.gz', 'heap2.pb.gz', ['--sample-index=alloc_space', '--granularity=lines', '--cum']);

        await page.fill('#nodecount', '5');
        await page.dispatchEvent('#nodecount', 'change');
        await waitReady(page);
        await checkCompare(page, 'heap.pb.gz', 'heap2.pb.gz',
          ['--sample-index=alloc_space', '--granularity=lines', '--cum', '--nodecount=5']);

        await showView(page, 'paths');
        const paths = cliJson(['paths', '--sample-index=alloc_space', '--granularity=lines', 'heap.pb.gz', 'heap2.pb.gz']);
        assert.deepEqual(await tableRows(page, 'paths'), expectedPathRows(paths));

        // column-header sorting reorders rows without touching cells; a third click restores
        await showView(page, 'compare');
        const before = await tableRows(page, 'compare');
        await page.click('table[data-view="compare"] th[data-col="name"] button');
        const byName = await tableRows(page, 'compare');
        assert.deepEqual(byName.map((r) => r.name), before.map((r) => r.name).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
        assert.deepEqual([...byName].sort((x, y) => (x.name < y.name ? -1 : 1)), [...before].sort((x, y) => (x.name < y.name ? -1 : 1)));
        await page.click('table[data-view="compare"] th[data-col="name"] button');
        await page.click('table[data-view="compare"] th[data-col="name"] button');
        assert.deepEqual(await tableRows(page, 'compare'), before);

        assertNoPageErrors(errors);
        assertLocalRequests(mode, requests);
      } finally {
        await context.close();
      }
    });

    it('fills A and B from two dropped files, the earlier in A', TIMEOUT, async () => {
      const { page, context, requests, errors } = await openPage(browser, mode, server);
      try {
        // later file first: the page must still put gateway-a (the earlier) in A
        await dropFiles(page, '#view', [fixture('gateway-b.pb.gz', EXAMPLES), fixture('gateway-a.pb.gz', EXAMPLES)]);
        await waitReady(page);
        assert.equal(await page.textContent('#files-a'), 'gateway-a.pb.gz');
        assert.equal(await page.textContent('#files-b'), 'gateway-b.pb.gz');
        const timeA = await page.textContent('#time-a');
        const timeB = await page.textContent('#time-b');
        assert.ok(timeA < timeB, `A's time ${timeA} is not before B's ${timeB}`);
        assert.equal(await selectedView(page), 'compare');
        await checkCompare(page, 'gateway-a.pb.gz', 'gateway-b.pb.gz', [], EXAMPLES);

        // two files dropped on a slot also go by time; here on B, in time order
        await dropFiles(page, '#slot-b', [fixture('heap2.pb.gz'), fixture('heap.pb.gz')]);
        await waitReady(page);
        const names = [await page.textContent('#files-a'), await page.textContent('#files-b')];
        assert.deepEqual([...names].sort(), ['heap.pb.gz', 'heap2.pb.gz']);

        // one file dropped on a slot goes into that slot
        await dropFiles(page, '#slot-a', [fixture('heap.pb.gz')]);
        await waitReady(page);
        assert.equal(await page.textContent('#files-a'), 'heap.pb.gz');

        assertNoPageErrors(errors);
        assertLocalRequests(mode, requests);
      } finally {
        await context.close();
      }
    });

    it('shows a bad file\'s one-line error in its slot and keeps the other slot\'s view', TIMEOUT, async () => {
      const { page, context, requests, errors } = await openPage(browser, mode, server);
      const dir = tempDir();
      const bad = { name: 'bad.pb.gz', bytes: randomBytes(4096) };
      writeTemp(dir, bad.name, bad.bytes);
      const expectedMessage = cliError(['top', bad.name], dir);
      try {
        await setFiles(page, '#file-a', [bad]);
        await waitReady(page);
        const error = await page.textContent('#error-a');
        assert.ok(error.startsWith('bad.pb.gz: '), `error does not start with the file name: ${error}`);
        assert.ok(!error.includes('\n'), 'the error is one line');
        assert.equal(error, expectedMessage, 'the same message as the CLI');
        assert.equal(await page.isVisible('#error-a'), true);
        assert.equal(await page.getAttribute('#slot-a', 'data-loaded'), 'false');

        await setFiles(page, '#file-b', [fixture('heap2.pb.gz')]);
        await waitReady(page);
        assert.equal(await selectedView(page), 'top-b');
        assert.deepEqual(await tableRows(page, 'top-b'), expectedTopRows(cliJson(['top', 'heap2.pb.gz'])));
        assert.equal(await page.textContent('#error-a'), expectedMessage, 'the error stays');
        assert.equal(await page.isVisible('#error-b'), false);

        // a second bad load leaves B and its view alone
        await setFiles(page, '#file-a', [bad]);
        await waitReady(page);
        assert.equal(await selectedView(page), 'top-b');
        assert.ok((await tableRows(page, 'top-b')).length > 0);

        assertNoPageErrors(errors);
        assertLocalRequests(mode, requests);
      } finally {
        await context.close();
      }
    });

    it('shows HTML and script in function and file names as text', TIMEOUT, async () => {
      const { page, context, requests, errors } = await openPage(browser, mode, server);
      const img = '<img src=x onerror=window.__pwned=1>';
      const script = '<script>window.__pwned=2</script>';
      const bytes = encodeProfile({
        sampleTypes: [['samples', 'count']],
        periodType: ['samples', 'count'],
        timeNanos: 1700000000000000000n,
        samples: [
          { stack: [img, 'main.main'], values: [50] },
          { stack: [script, 'main.main'], values: [30] },
          { stack: ['"quoted" & \'apos\'', 'main.main'], values: [20] },
        ],
      });
      const dir = tempDir();
      const name = '<b onmouseover=window.__pwned=3>x</b>.pb.gz';
      writeTemp(dir, 'evil.pb.gz', bytes);
      const expected = cliJson(['top', 'evil.pb.gz'], dir);
      try {
        await setFiles(page, '#file-a', [{ name, bytes }]);
        await waitReady(page);
        const rows = await tableRows(page, 'top-a');
        assert.deepEqual(rows, expectedTopRows(expected));
        const names = rows.map((r) => r.cells.name);
        assert.ok(names.includes(img), 'the <img> name shows literally');
        assert.ok(names.includes(script), 'the <script> name shows literally');
        assert.equal(await page.textContent('#files-a'), name);
        await page.hover('#files-a');
        assert.equal(await page.evaluate(() => window.__pwned), undefined);
        assert.equal(await page.$$eval('#view img, #view script, .slots b', (els) => els.length), 0);

        // and once more as B, in the comparison
        await setFiles(page, '#file-b', [{ name, bytes }]);
        await waitReady(page);
        assert.equal(await selectedView(page), 'compare');
        const compareNames = (await tableRows(page, 'compare')).map((r) => r.cells.name);
        assert.ok(compareNames.includes(img) && compareNames.includes(script));
        await page.check('#show-text');
        assert.ok((await page.textContent('pre[data-view-text="compare"]')).includes(script));
        assert.equal(await page.evaluate(() => window.__pwned), undefined);
        assert.equal(await page.$$eval('#view img, #view script, .slots b', (els) => els.length), 0);

        assertNoPageErrors(errors);
        assertLocalRequests(mode, requests);
      } finally {
        await context.close();
      }
    });

    it('renders a long table virtually: every row reachable by scrolling, no "show all"', TIMEOUT, async () => {
      const { page, context, requests, errors } = await openPage(browser, mode, server);
      // one deep stack: every frame carries the whole total, so no node is trimmed
      const stack = Array.from({ length: 2500 }, (_, i) => `pkg.f${String(i).padStart(4, '0')}`);
      const bytes = encodeProfile({ sampleTypes: [['samples', 'count']], samples: [{ stack, values: [7] }, { stack: stack.slice(1200), values: [3] }] });
      const dir = tempDir();
      writeTemp(dir, 'deep.pb.gz', bytes);
      const expected = expectedTopRows(cliJson(['top', 'deep.pb.gz'], dir));
      assert.equal(expected.length, 2500);
      try {
        await setFiles(page, '#file-a', [{ name: 'deep.pb.gz', bytes }]);
        await waitReady(page);
        assert.equal(await page.getAttribute('table[data-view="top-a"]', 'data-rows'), '2500');
        assert.equal(await page.$('#show-all'), null);
        const first = await tableRows(page, 'top-a');
        assert.ok(first.length > 20 && first.length < 200, `${first.length} rows in the DOM`);
        assert.deepEqual(first, expected.slice(0, first.length));
        // scroll through the table: the rendered rows are always the report's rows at their place
        const seen = new Map();
        for (let step = 0; ; step++) {
          const window = await scrollTable(page, 'top-a', step * 1500);
          for (const r of window.rows) seen.set(r.index, r.row);
          if (window.atEnd) break;
          assert.ok(step < 100);
        }
        assert.equal(seen.size, 2500);
        for (const [i, row] of seen) assert.deepEqual(row, expected[i], `row ${i}`);
        assertNoPageErrors(errors);
        assertLocalRequests(mode, requests);
      } finally {
        await context.close();
      }
    });

    it('reports profiles that cannot be compared in the view, and keeps each slot\'s top', TIMEOUT, async () => {
      const { page, context, requests, errors } = await openPage(browser, mode, server);
      try {
        await setFiles(page, '#file-a', [fixture('heap.pb.gz')]);
        await waitReady(page);
        await setFiles(page, '#file-b', [fixture('cpu.pb.gz')]);
        await waitReady(page);
        assert.equal(await selectedView(page), 'compare');
        const message = cliError(['diff', 'heap.pb.gz', 'cpu.pb.gz'], FIXTURES);
        assert.equal(await page.textContent('#view-error'), message);
        assert.equal(await page.$('table[data-view="compare"]'), null);
        assert.equal(await page.isVisible('#error-a'), false);
        assert.equal(await page.isVisible('#error-b'), false);

        // each top view offers its own profile's types
        await checkTop(page, 'b', 'cpu.pb.gz');
        assert.deepEqual(await page.$$eval('#sample-type option', (os) => os.map((o) => o.value)), ['samples', 'cpu']);
        await page.selectOption('#sample-type', 'samples');
        await waitReady(page);
        await checkTop(page, 'b', 'cpu.pb.gz', ['--sample-index=samples']);
        await checkTop(page, 'a', 'heap.pb.gz');
        assert.equal(await page.inputValue('#sample-type'), 'inuse_space');

        assertNoPageErrors(errors);
        assertLocalRequests(mode, requests);
      } finally {
        await context.close();
      }
    });

    it('loads the example from #example in the URL', TIMEOUT, async () => {
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        await page.goto(pageUrl(mode, server) + '#example');
        await page.waitForSelector('table[data-view="compare"]');
        await waitReady(page);
        assert.equal(await page.textContent('#files-b'), 'gateway-b.pb.gz');
      } finally {
        await context.close();
      }
    });

    it('loads the bundled example, swaps, and saves a screenshot of the comparison', TIMEOUT, async () => {
      const { page, context, requests, errors } = await openPage(browser, mode, server);
      try {
        await page.click('#load-example');
        await waitReady(page);
        assert.equal(await selectedView(page), 'compare');
        assert.equal(await page.textContent('#files-a'), 'gateway-a.pb.gz');
        const diff = await checkCompare(page, 'gateway-a.pb.gz', 'gateway-b.pb.gz', [], EXAMPLES);
        const first = await page.$('table[data-view="compare"] tbody tr');
        assert.equal(await first.getAttribute('data-name'), diff.rows[0].name);
        mkdirSync(ARTIFACTS, { recursive: true });
        await page.mouse.move(700, 880);
        await page.evaluate(() => document.activeElement && document.activeElement.blur());
        await page.screenshot({ path: join(ARTIFACTS, `compare-${mode}.png`) });

        await page.emulateMedia({ colorScheme: 'dark' });
        await page.waitForTimeout(300); // let colour transitions finish
        await page.screenshot({ path: join(ARTIFACTS, `compare-${mode}-dark.png`) });
        await page.emulateMedia({ colorScheme: 'light' });

        await page.click('#swap');
        await waitReady(page);
        assert.equal(await page.textContent('#files-a'), 'gateway-b.pb.gz');
        assert.equal(await page.textContent('#files-b'), 'gateway-a.pb.gz');
        await checkCompare(page, 'gateway-b.pb.gz', 'gateway-a.pb.gz', [], EXAMPLES);

        await page.click('#clear-b');
        await waitReady(page);
        assert.equal(await selectedView(page), 'top-a');
        assert.equal(await page.isDisabled('button[data-view-tab="compare"]'), true);

        // the slot's button opens the file picker of its input
        const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('#slot-b .slot-empty [data-pick="b"]')]);
        assert.equal(chooser.isMultiple(), true);
        await chooser.setFiles(join(EXAMPLES, 'gateway-b.pb.gz'));
        await waitReady(page);
        assert.equal(await selectedView(page), 'compare');
        await checkCompare(page, 'gateway-b.pb.gz', 'gateway-b.pb.gz', [], EXAMPLES);

        assertNoPageErrors(errors);
        assertLocalRequests(mode, requests);
      } finally {
        await context.close();
      }
    });
  });
}
});

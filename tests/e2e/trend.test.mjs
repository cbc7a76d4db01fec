// The page's series and Trend view: the fixture series (tests/fixtures/series) set on
// #file-series or dropped three at a time shows the same rows and verdicts as `profdiff trend`,
// the sparklines and both charts render, "compare first and last" loads A and B, and a series
// of mixed kinds is refused naming both files. Served from www/ and as dist/profdiff.html.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  DIST, FIXTURES, MODES, ROOT, WWW, cliJson, dropFiles, fixture, launchBrowser, openPage, setFiles,
  startServer, tableRows, waitReady,
} from './lib.mjs';

const SERIES = join(ROOT, 'tests', 'fixtures', 'series', 'profiles');
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

function seriesFiles(kind) {
  return readdirSync(SERIES).filter((n) => n.startsWith(`${kind}-`)).sort();
}

/** The Trend table's rows as the CLI's JSON gives them, cell by cell. */
function expectedTrendRows(report) {
  return report.rows.map((r) => ({
    name: r.name,
    cells: {
      first: r.firstText, last: r.lastText, delta: r.deltaText, slope: r.slopeText,
      verdict: r.verdict, series: '', name: r.name,
    },
  }));
}

async function trendRows(page) {
  return tableRows(page, 'trend');
}

for (const mode of MODES) {
  describe(`trend (${mode})`, () => {
    it('the heap series shows the CLI\'s rows and verdicts, sparklines and charts', TIMEOUT, async () => {
      const { page, context, errors } = await openPage(browser, mode, server);
      try {
        const names = seriesFiles('heap');
        // Given newest first: the core orders them by profile time.
        await setFiles(page, '#file-series', names.slice().reverse().map((n) => fixture(n, SERIES)));
        await waitReady(page);
        assert.equal(await page.$eval('#view', (el) => el.dataset.view), 'trend');
        assert.equal(await page.$eval('#slot-series', (el) => el.dataset.loaded), 'true');
        assert.equal(await page.textContent('#count-series'), String(names.length));
        assert.equal(await page.$eval('button[data-view-tab=trend]', (b) => b.getAttribute('aria-selected')), 'true');

        const cli = cliJson(['trend', ...names], SERIES);
        const rows = await trendRows(page);
        assert.deepEqual(rows, expectedTrendRows(cli));
        assert.equal(rows[0].name, 'main.leakRecord');
        assert.equal(rows[0].cells.verdict, 'GROWING');
        const verdict = (name) => rows.find((r) => r.name === name).cells.verdict;
        assert.equal(verdict('main.steadyBuffer'), 'STEADY');
        assert.notEqual(verdict('main.churnScratch'), 'GROWING');

        // A sparkline per row, the totals chart with a point per snapshot, the top row's series.
        assert.equal(await page.$$eval('table[data-view=trend] td[data-col=series] svg.sparkline polyline', (l) => l.length), rows.length);
        assert.equal(await page.$eval('#trend-totals-chart svg', (s) => s.querySelectorAll('circle.point').length), names.length);
        const tips = await page.$$eval('#trend-totals-chart svg circle title', (ts) => ts.map((t) => t.textContent));
        cli.snapshots.forEach((s, i) => assert.ok(tips[i].includes(s.file) && tips[i].endsWith(s.totalText), tips[i]));
        assert.equal(await page.$eval('#trend-series-chart', (f) => f.dataset.name), 'main.leakRecord');
        const box = await page.$eval('#trend-totals-chart svg', (s) => s.getBoundingClientRect().height);
        assert.ok(box > 40, `totals chart height ${box}`);

        // Selecting a row draws its series.
        await page.click('table[data-view=trend] tr[data-name="main.churnScratch"] td[data-col=name]');
        await page.waitForFunction(() => document.querySelector('#trend-series-chart').dataset.name === 'main.churnScratch');
        const churn = cli.rows.find((r) => r.name === 'main.churnScratch');
        const seriesTips = await page.$$eval('#trend-series-chart svg circle title', (ts) => ts.map((t) => t.textContent));
        assert.deepEqual(seriesTips.map((t) => t.slice(t.lastIndexOf(': ') + 2)), churn.valueTexts);

        // The text export is the CLI's text.
        await page.click('#copy-text');
        await waitReady(page);
        assert.equal(await page.evaluate(() => document.body.dataset.lastExport), cli.text);

        // Compare first and last: A and B are those snapshots, on the Compare view.
        await page.click('#trend-compare-first-last');
        await waitReady(page);
        assert.equal(await page.$eval('#view', (el) => el.dataset.view), 'compare');
        assert.equal(await page.textContent('#files-a'), names[0]);
        assert.equal(await page.textContent('#files-b'), names[names.length - 1]);
        const diff = await tableRows(page, 'compare');
        const leak = diff.find((r) => r.name === 'main.leakRecord');
        assert.equal(leak.cells['delta-flat'], cli.rows[0].deltaText);
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    });

    it('dropping 3+ goroutine profiles loads a series; the hide filter applies', TIMEOUT, async () => {
      const { page, context, errors } = await openPage(browser, mode, server);
      try {
        const names = seriesFiles('goroutine');
        await dropFiles(page, '#view', names.map((n) => fixture(n, SERIES)));
        await waitReady(page);
        assert.equal(await page.$eval('#view', (el) => el.dataset.view), 'trend');
        await page.fill('#hide', 'runtime');
        await page.press('#hide', 'Enter');
        await waitReady(page);
        const cli = cliJson(['trend', '--hide=runtime', ...names], SERIES);
        const rows = await trendRows(page);
        assert.deepEqual(rows, expectedTrendRows(cli));
        assert.equal(rows[0].name, 'main.leakedReader');
        assert.equal(rows[0].cells.verdict, 'GROWING');
        assert.equal(rows.find((r) => r.name === 'main.steadyWorker').cells.verdict, 'STEADY');
        assert.notEqual(rows.find((r) => r.name === 'main.churnWorker').cells.verdict, 'GROWING');
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    });

    it('a series mixing heap and CPU profiles is refused, naming both', TIMEOUT, async () => {
      const { page, context } = await openPage(browser, mode, server);
      try {
        await setFiles(page, '#file-series', [fixture('heap-01.pb.gz', SERIES), fixture('cpu.pb.gz', FIXTURES)]);
        await waitReady(page);
        const error = await page.$eval('#error-series', (el) => ({ hidden: el.hidden, text: el.textContent, kind: el.dataset.kind }));
        assert.equal(error.hidden, false);
        assert.equal(error.kind, 'TrendError');
        assert.match(error.text, /heap-01\.pb\.gz/);
        assert.match(error.text, /cpu\.pb\.gz/);
        assert.equal(await page.$eval('#slot-series', (el) => el.dataset.loaded), 'false');
      } finally {
        await context.close();
      }
    });
  });
}

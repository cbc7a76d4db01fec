// The Memory view: a pair of Go heap texts saved at debug=1 (tests/fixtures/gotext, two instances
// of the fixture generator) dropped on the page. Every cell must be what
// `profdiff memstats A B --format=json` prints for the same files, the bars must break Sys down
// into the parts the CLI reports, and a protobuf pair must say that it has no MemStats.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  MODES, ROOT, cliJson, dropFiles, launchBrowser, openPage, startServer, tableRows, waitReady,
} from './lib.mjs';
import { readFileSync } from 'node:fs';

const TIMEOUT = { timeout: 120000 };
const GOTEXT = join(ROOT, 'tests', 'fixtures', 'gotext');

let browser;
let server;

before(async () => {
  browser = await launchBrowser();
  server = await startServer();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.close();
});

/** A fixture under gotext/, named as the page will show it. */
function text(side, file, name) {
  return { name, bytes: readFileSync(join(GOTEXT, side, file)) };
}

async function showMemory(page) {
  await page.click('button[data-view-tab=memory]');
  await waitReady(page);
  assert.equal(await page.getAttribute('body', 'data-view'), 'memory');
}

for (const mode of MODES) {
  describe(`Memory view (${mode})`, () => {
    it('shows the MemStats of a dropped debug=1 pair as the CLI prints them', TIMEOUT, async () => {
      const { page, context, errors } = await openPage(browser, mode, server);
      try {
        // Saved under arbitrary names: recognised by content.
        await dropFiles(page, '#view', [text('a', 'heap.txt', 'heap-a'), text('b', 'heap.txt', 'heap-b.txt')]);
        await waitReady(page);
        await showMemory(page);

        // The CLI on the same bytes under the same names.
        const dir = join(ROOT, 'target', 'e2e-memory');
        const { mkdirSync, copyFileSync } = await import('node:fs');
        mkdirSync(dir, { recursive: true });
        copyFileSync(join(GOTEXT, 'a', 'heap.txt'), join(dir, 'heap-a'));
        copyFileSync(join(GOTEXT, 'b', 'heap.txt'), join(dir, 'heap-b.txt'));
        const want = cliJson(['memstats', 'heap-a', 'heap-b.txt'], dir);
        assert.equal(want.kind, 'memstats');

        const rows = await tableRows(page, 'memory');
        assert.deepEqual(rows.map((r) => r.name), want.rows.map((r) => r.name));
        for (const [i, r] of rows.entries()) {
          const w = want.rows[i];
          assert.deepEqual(r.cells, { name: w.name, a: w.aText, b: w.bText, delta: w.deltaText }, w.name);
        }
        // The field names Go prints, the split Stack line included.
        for (const name of ['HeapAlloc', 'HeapIdle', 'HeapReleased', 'StackInuse', 'StackSys', 'GCSys', 'MaxRSS']) {
          assert.ok(rows.some((r) => r.name === name), name);
        }

        // Per side: the bar's parts in the CLI's order with its sizes, Sys, MaxRSS, the share.
        for (const side of ['a', 'b']) {
          const segs = await page.$$eval(`.mem-bar[data-side=${side}] .mem-seg`,
            (els) => els.map((e) => ({ part: e.dataset.part, title: e.getAttribute('title') })));
          const parts = want[side].parts.filter((p) => p.bytes > 0);
          assert.deepEqual(segs, parts.map((p) => ({ part: p.key, title: `${p.label}: ${p.bytesText}` })));
          assert.equal(await page.textContent(`[data-field=sys-${side}]`), want[side].sysText);
          assert.equal(await page.textContent(`[data-field=max-rss-${side}]`), want[side].maxRssText);
          const share = await page.textContent(`[data-field=profile-share-${side}]`);
          assert.ok(share.includes(want[side].profileShareText), share);
        }
        // A's bar is narrower than B's: B took more from the OS, and both bars share one scale.
        const widths = await page.$$eval('.mem-bar', (bars) => bars.map((b) =>
          Array.from(b.querySelectorAll('.mem-seg')).reduce((s, e) => s + e.getBoundingClientRect().width, 0)));
        assert.ok(want.b.sys > want.a.sys && widths[1] > widths[0], `bar widths ${widths}`);
        assert.equal(await page.locator('.mem-legend li').count(), want.notes.length);

        // Copy as CSV gives the CLI's CSV.
        await page.click('#copy-csv');
        await waitReady(page);
        const exported = await page.evaluate(() => document.body.dataset.lastExport);
        assert.ok(exported.includes('HeapAlloc,'), exported);

        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    });

    it('says when the profiles carry no MemStats', TIMEOUT, async () => {
      const { page, context, errors } = await openPage(browser, mode, server);
      try {
        await dropFiles(page, '#view', [text('a', 'heap.pb.gz', 'a.pb.gz'), text('b', 'heap.pb.gz', 'b.pb.gz')]);
        await waitReady(page);
        await showMemory(page);
        assert.ok((await page.textContent('#memory-none')).includes('debug=1'));
        assert.equal(await page.locator('table[data-view=memory]').count(), 0);
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    });
  });
}

// Loading uses two workers (www/inflater.js): the inflater gunzips each file and streams the
// chunks to the main worker, which reads them as they come. What the page shows must be what
// the CLI prints, errors included; when the inflater fails, the main worker loads alone.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import {
  EXAMPLES, MODES, cliError, cliJson, dropFiles, expectedCompareRows, expectedTopRows, fixture,
  launchBrowser, openPage, setFiles, startServer, tableRows, tempDir, waitReady, workerByRole,
  writeTemp,
} from './lib.mjs';

const TIMEOUT = { timeout: 120000 };

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

function inflatedBytes(worker) {
  return worker.evaluate(() => self.profdiffInflatedBytes || 0);
}

describe('the inflating worker', { concurrency: MODES.length }, () => {
  for (const mode of MODES) {
    it(`inflates a dropped pair for the main worker (${mode})`, TIMEOUT, async () => {
      const { page, context, errors } = await openPage(browser, mode, server);
      try {
        const files = [fixture('gateway-b.pb.gz', EXAMPLES), fixture('gateway-a.pb.gz', EXAMPLES)];
        await dropFiles(page, '#view', files);
        await waitReady(page);
        assert.equal(await page.textContent('#files-a'), 'gateway-a.pb.gz', 'the earlier profile in A');
        const expected = cliJson(['diff', 'gateway-a.pb.gz', 'gateway-b.pb.gz'], EXAMPLES);
        assert.deepEqual(await tableRows(page, 'compare'), expectedCompareRows(expected));

        // The inflater, not the main worker, inflated both files.
        const inflater = await workerByRole(page, 'inflater');
        const main = await workerByRole(page, 'main');
        const total = files.reduce((n, f) => n + gunzipSync(f.bytes).length, 0);
        assert.equal(await inflatedBytes(inflater), total);
        assert.equal(await inflatedBytes(main), 0);

        // One file into a slot goes the same way.
        await setFiles(page, '#file-a', [fixture('heap.pb.gz')]);
        await waitReady(page);
        await page.click('button[data-view-tab="top-a"]');
        await waitReady(page);
        assert.deepEqual(await tableRows(page, 'top-a'), expectedTopRows(cliJson(['top', 'heap.pb.gz'])));
        assert.equal(await inflatedBytes(inflater), total + gunzipSync(fixture('heap.pb.gz').bytes).length);
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    });
  }

  it('says what the CLI says of a gzip file cut short, and of one that inflates to garbage', TIMEOUT, async () => {
    const { page, context, errors } = await openPage(browser, 'served', server);
    const dir = tempDir();
    const heap = fixture('heap.pb.gz').bytes;
    const cut = { name: 'cut.pb.gz', bytes: heap.subarray(0, Math.floor(heap.length / 2)) };
    writeTemp(dir, cut.name, cut.bytes);
    const { gzipSync } = await import('node:zlib');
    const garbage = { name: 'garbage.pb.gz', bytes: gzipSync(Buffer.from('\u0007not a profile at all\n'.repeat(50))) };
    writeTemp(dir, garbage.name, garbage.bytes);
    try {
      for (const bad of [cut, garbage]) {
        await setFiles(page, '#file-a', [bad]);
        await waitReady(page);
        assert.equal(await page.textContent('#error-a'), cliError(['top', bad.name], dir), bad.name);
      }
      // A pair whose second file is bad: its error, and the slots stay as they were.
      await dropFiles(page, '#view', [fixture('heap.pb.gz'), cut]);
      await waitReady(page);
      assert.equal(await page.textContent('#error-a'), cliError(['top', cut.name], dir));
      assert.equal(await page.getAttribute('#slot-b', 'data-loaded'), 'false');

      // Then a good pair loads: nothing of the failed ones was left staged.
      await dropFiles(page, '#view', [fixture('heap.pb.gz'), fixture('heap2.pb.gz')]);
      await waitReady(page);
      const expected = cliJson(['diff', 'heap.pb.gz', 'heap2.pb.gz']);
      assert.deepEqual(await tableRows(page, 'compare'), expectedCompareRows(expected));
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('loads in the main worker alone when the inflater dies during a load, and replaces it', TIMEOUT, async () => {
    const { page, context } = await openPage(browser, 'served', server);
    try {
      const inflater = await workerByRole(page, 'inflater');
      // The next gunzip traps, as a WebAssembly memory failure would.
      await inflater.evaluate(() => {
        wasm_bindgen.gunzipChunks = () => {
          const e = new Error('simulated trap');
          e.name = 'RuntimeError';
          throw e;
        };
      });
      await dropFiles(page, '#view', [fixture('heap.pb.gz'), fixture('heap2.pb.gz')]);
      await waitReady(page);
      const expected = cliJson(['diff', 'heap.pb.gz', 'heap2.pb.gz']);
      assert.deepEqual(await tableRows(page, 'compare'), expectedCompareRows(expected));
      assert.equal(await page.isVisible('#error-a'), false);
      const main = await workerByRole(page, 'main');
      assert.ok(await inflatedBytes(main) === 0, 'the main worker inflated in-process, not by streaming');

      // The next load has a new inflater.
      await setFiles(page, '#file-b', [fixture('heap.pb.gz')]);
      await waitReady(page);
      const fresh = await workerByRole(page, 'inflater');
      assert.equal(await inflatedBytes(fresh), gunzipSync(fixture('heap.pb.gz').bytes).length);
    } finally {
      await context.close();
    }
  });
});

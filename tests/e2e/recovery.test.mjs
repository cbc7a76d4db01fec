// A worker that dies (a WebAssembly trap, or any uncaught error) is replaced: the page starts a
// new one, loads both slots again from what it kept, redraws the view and says what happened.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  EXAMPLES, MODES, cliJson, expectedCompareRows, fixture, launchBrowser, openPage,
  setFiles, startServer, tableRows, waitReady, workerByRole,
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

/** Makes a worker of the page die of an uncaught error, as a crash inside it would. */
async function killWorker(page, role = 'main') {
  const worker = await workerByRole(page, role);
  await worker.evaluate(() => {
    setTimeout(() => {
      throw new Error('simulated crash');
    }, 0);
  });
}

/** The roles of the page's live workers, sorted. */
async function roles(page) {
  const all = await Promise.all(page.workers().map((w) => w.evaluate(() => self.profdiffRole).catch(() => 'gone')));
  return all.filter((r) => r !== 'gone').sort();
}

async function waitRecovered(page) {
  await page.waitForFunction(() => {
    const notice = document.querySelector('#worker-notice');
    return notice && !notice.hidden && /reloaded/.test(notice.textContent)
      && document.body.dataset.state === 'ready';
  }, null, { timeout: 60000 });
}

describe('worker recovery', { concurrency: MODES.length }, () => {
  for (const mode of MODES) {
    it(`reloads both slots into a new worker after a crash (${mode})`, TIMEOUT, async () => {
      const { page, context, errors } = await openPage(browser, mode, server);
      try {
        await setFiles(page, '#file-a', [fixture('heap.pb.gz')]);
        await waitReady(page);
        await setFiles(page, '#file-b', [fixture('heap2.pb.gz')]);
        await waitReady(page);
        await page.fill('#label-a', 'before the crash');
        await page.dispatchEvent('#label-a', 'change');
        const expected = expectedCompareRows(cliJson(['diff', 'heap.pb.gz', 'heap2.pb.gz']));
        assert.deepEqual(await tableRows(page, 'compare'), expected);

        await killWorker(page);
        await waitRecovered(page);
        const notice = await page.textContent('#worker-notice');
        assert.match(notice, /simulated crash/);
        assert.match(notice, /reloaded A and B/);
        assert.deepEqual(await roles(page), ['inflater', 'main'], 'the dead worker is gone and one new one runs');
        assert.equal(await page.textContent('#files-a'), 'heap.pb.gz');
        assert.equal(await page.textContent('#files-b'), 'heap2.pb.gz');
        assert.equal(await page.inputValue('#label-a'), 'before the crash', 'labels survive');
        assert.deepEqual(await tableRows(page, 'compare'), expected, 'the view renders the same rows');

        // The new worker works on: another view and a new file.
        await page.click('button[data-view-tab="top-b"]');
        await waitReady(page);
        const topB = cliJson(['top', 'heap2.pb.gz']);
        const rows = await tableRows(page, 'top-b');
        assert.equal(rows.length, topB.rows.length);
        assert.deepEqual(errors.filter((e) => !/simulated crash/.test(e)), []);
      } finally {
        await context.close();
      }
    });
  }

  it('reloads the bundled example after a crash, also after a swap', TIMEOUT, async () => {
    const { page, context } = await openPage(browser, 'served', server);
    try {
      await page.click('#load-example');
      await waitReady(page);
      await page.click('#swap');
      await waitReady(page);
      const expected = expectedCompareRows(cliJson(['diff', 'gateway-b.pb.gz', 'gateway-a.pb.gz'], EXAMPLES));
      assert.deepEqual(await tableRows(page, 'compare'), expected);
      await killWorker(page);
      await waitRecovered(page);
      assert.equal(await page.textContent('#files-a'), 'gateway-b.pb.gz');
      assert.deepEqual(await tableRows(page, 'compare'), expected);
    } finally {
      await context.close();
    }
  });
});

// Pages written by `profdiff html` and `profdiff web --no-browser`: opened from file:// with no
// file input set, they show the embedded profiles in the preset view, with the CLI's numbers,
// and make no request beyond their own file.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CLI, EXAMPLES, cliJson, expectedCompareRows, expectedPathRows, expectedTopRows, launchBrowser,
  openUrl, tableRows, tempDir, waitReady,
} from './lib.mjs';

const TIMEOUT = { timeout: 120000 };
const A = 'gateway-a.pb.gz';
const B = 'gateway-b.pb.gz';

let browser;
const dir = tempDir();

before(async () => {
  assert.ok(existsSync(CLI), 'target/release/profdiff is missing');
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
});

/** `profdiff ARGS` in examples/, its stdout. */
function cli(args, env = {}) {
  return execFileSync(CLI, args, {
    cwd: EXAMPLES, encoding: 'utf8', env: { ...process.env, TMPDIR: dir, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function assertOnlyItself(url, requests) {
  assert.ok(requests.length > 0, 'no request was recorded at all');
  for (const r of requests) {
    if (r.startsWith('blob:') || r.startsWith('data:')) continue;
    assert.equal(r, url, `the page made a request other than its own file: ${r}`);
  }
}

async function noFileInputSet(page) {
  for (const slot of ['a', 'b']) {
    assert.equal(await page.$eval(`#file-${slot}`, (input) => input.files.length), 0, `#file-${slot} has files`);
  }
}

describe('embedded profiles', () => {
  it('profdiff html: the comparison from file://, in the preset view and sample type', TIMEOUT, async () => {
    const report = join(dir, 'report.html');
    cli(['html', '--sample-index=alloc_space', '--granularity=lines', A, B, '-o', report]);
    const url = pathToFileURL(report).href;
    const { page, context, requests, errors } = await openUrl(browser, url);
    try {
      await page.waitForSelector('table[data-view="compare"]');
      await waitReady(page);
      await noFileInputSet(page);
      assert.equal(await page.$eval('#view', (el) => el.dataset.view), 'compare');
      assert.equal(await page.inputValue('#sample-type'), 'alloc_space');
      assert.equal(await page.inputValue('#granularity'), 'lines');
      const flags = ['--sample-index=alloc_space', '--granularity=lines'];
      const expected = cliJson(['diff', ...flags, A, B], EXAMPLES);
      assert.ok(expected.rows.length > 0);
      assert.deepEqual(await tableRows(page, 'compare'), expectedCompareRows(expected));
      assert.equal(await page.textContent('#files-a'), A);
      assert.equal(await page.textContent('#files-b'), B);

      // The banner names each embedded profile with its time and size.
      const items = await page.$$eval('#embedded li', (lis) => lis.map((li) => li.textContent));
      const size = (name) => `${(statSync(join(EXAMPLES, name)).size / 1024).toFixed(2)}kB`;
      assert.deepEqual(items, [
        `A ${A} (2026-11-26 20:03:09 UTC, ${size(A)})`,
        `B ${B} (2026-11-26 20:03:10 UTC, ${size(B)})`,
      ]);
      assert.match(await page.textContent('#embedded'), /Profiles embedded in this file by profdiff html on \d{4}-\d\d-\d\d /);

      // Every view works as with dropped files.
      await page.click('button[data-view-tab="paths"]');
      await waitReady(page);
      await page.waitForSelector('table[data-view="paths"]');
      const paths = cliJson(['paths', ...flags, A, B], EXAMPLES);
      assert.deepEqual(await tableRows(page, 'paths'), expectedPathRows(paths));
      await page.click('button[data-view-tab="top-b"]');
      await waitReady(page);
      await page.waitForSelector('table[data-view="top-b"]');
      assert.deepEqual(await tableRows(page, 'top-b'), expectedTopRows(cliJson(['top', ...flags, B], EXAMPLES)));

      assert.deepEqual(errors, []);
      assertOnlyItself(url, requests);
    } finally {
      await context.close();
    }
  });

  it('profdiff web --no-browser: prints the path of a page that opens on one profile', TIMEOUT, async () => {
    const printed = cli(['web', '--no-browser', '--focus=flate', A]);
    const path = printed.trimEnd();
    assert.equal(printed, `${path}\n`, 'the path alone on stdout');
    assert.ok(path.startsWith(dir) && existsSync(path), path);
    assert.ok(readFileSync(path, 'utf8').includes('id="profdiff-embedded"'));
    const url = pathToFileURL(path).href;
    const { page, context, requests, errors } = await openUrl(browser, url);
    try {
      await page.waitForSelector('table[data-view="top-a"]');
      await waitReady(page);
      await noFileInputSet(page);
      assert.equal(await page.inputValue('#focus'), 'flate');
      const expected = cliJson(['top', '--focus=flate', A], EXAMPLES);
      assert.deepEqual(await tableRows(page, 'top-a'), expectedTopRows(expected));
      assert.equal(await page.isDisabled('button[data-view-tab="compare"]'), true);
      assert.deepEqual(errors, []);
      assertOnlyItself(url, requests);
    } finally {
      await context.close();
    }
  });
});

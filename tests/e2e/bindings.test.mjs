// The WebAssembly bindings under Node (wasm-bindgen --target nodejs, built by
// scripts/build-wasm.sh into target/wasm-node/): the same reports as the CLI, typed errors.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { FIXTURES, ROOT, cliError, cliJson, cliOutput, randomBytes, tempDir, writeTemp } from './lib.mjs';

const require = createRequire(import.meta.url);
const NODE_PKG = join(ROOT, 'target', 'wasm-node', 'profdiff.js');

let wasm;

before(() => {
  assert.ok(existsSync(NODE_PKG), `${NODE_PKG} is missing: run scripts/build-wasm.sh`);
  wasm = require(NODE_PKG);
});

function bytes(name) {
  return new Uint8Array(readFileSync(join(FIXTURES, name)));
}

function loaded() {
  const s = new wasm.Session();
  s.load('a', ['heap.pb.gz'], [bytes('heap.pb.gz')]);
  s.load('b', ['heap2.pb.gz'], [bytes('heap2.pb.gz')]);
  return s;
}

describe('bindings (nodejs)', () => {
  it('load returns the slot summary and reports progress', () => {
    const s = new wasm.Session();
    const stages = [];
    const summary = s.load('a', ['heap.pb.gz'], [bytes('heap.pb.gz')], (stage, i, n) => stages.push([stage, i, n]));
    assert.equal(summary.slot, 'a');
    assert.deepEqual(summary.files, ['heap.pb.gz']);
    assert.deepEqual([...summary.sampleTypes].sort(), ['alloc_objects', 'alloc_space', 'inuse_objects', 'inuse_space']);
    assert.equal(summary.defaultSampleType, 'inuse_space');
    assert.equal(summary.profiles.length, 1);
    assert.ok(stages.length > 0, 'progress was reported');
    for (const [stage, i, n] of stages) {
      assert.ok(['inflating', 'decoding', 'resolving', 'merging'].includes(stage), stage);
      assert.equal(i, 0);
      assert.equal(n, 1);
    }
    assert.deepEqual(s.summary('a'), summary);
    assert.equal(s.summary('b'), null);
  });

  it('compare() and top() equal the CLI\'s JSON rows', () => {
    const s = loaded();
    for (const [opts, flags] of [
      [{}, []],
      [{ sampleIndex: 'alloc_space' }, ['--sample-index=alloc_space']],
      [{ granularity: 'lines', cum: true }, ['--granularity=lines', '--cum']],
      [{ nodecount: 4, sampleIndex: 'inuse_objects' }, ['--nodecount=4', '--sample-index=inuse_objects']],
    ]) {
      const diff = s.compare(opts);
      const cli = cliJson(['diff', ...flags, 'heap.pb.gz', 'heap2.pb.gz']);
      assert.equal(diff.kind, 'diff');
      assert.deepEqual(diff.rows, cli.rows, `compare ${flags.join(' ')}`);
      assert.equal(diff.text, cli.text, `compare text ${flags.join(' ')}`);
      assert.equal(diff.deltaTotalText, cli.deltaTotalText);

      for (const [slot, file] of [['a', 'heap.pb.gz'], ['b', 'heap2.pb.gz']]) {
        const top = s.top(slot, opts);
        const cliTop = cliJson(['top', ...flags, file]);
        assert.equal(top.kind, 'top');
        assert.deepEqual(top.rows, cliTop.rows, `top ${slot} ${flags.join(' ')}`);
        assert.equal(top.text, cliTop.text, `top text ${slot} ${flags.join(' ')}`);
      }
    }
    const paths = s.paths({ topN: 5 });
    assert.deepEqual(paths.nodes, cliJson(['paths', '--top=5', 'heap.pb.gz', 'heap2.pb.gz']).nodes);
  });

  it('a bad file throws a DecodeError naming the file and keeps the slot', () => {
    const s = loaded();
    const bad = randomBytes(4096);
    const dir = tempDir();
    writeTemp(dir, 'bad.pb.gz', bad);
    assert.throws(() => s.load('a', ['bad.pb.gz'], [bad]), (e) => {
      assert.ok(e instanceof Error);
      assert.equal(e.name, 'DecodeError');
      assert.ok(e.message.startsWith('bad.pb.gz: '), e.message);
      assert.ok(!e.message.includes('\n'));
      assert.equal(e.message, cliError(['top', 'bad.pb.gz'], dir));
      return true;
    });
    assert.deepEqual(s.summary('a').files, ['heap.pb.gz'], 'A keeps its profile');
  });

  it('bad options throw an OptionsError', () => {
    const s = loaded();
    assert.throws(() => s.top('c', {}), (e) => e.name === 'OptionsError');
    assert.throws(() => s.top('a', { granularity: 'nonsense' }), (e) => e.name === 'OptionsError');
  });

  it('swap() swaps A and B; loadPair() puts the earlier profile in A', () => {
    const s = loaded();
    const before = s.compare({});
    const swapped = s.swap();
    assert.deepEqual(swapped.a.files, ['heap2.pb.gz']);
    assert.deepEqual(swapped.b.files, ['heap.pb.gz']);
    assert.deepEqual(s.compare({}).rows, cliJson(['diff', 'heap2.pb.gz', 'heap.pb.gz']).rows);
    assert.notDeepEqual(s.compare({}).rows, before.rows);
    s.clear('b');
    assert.equal(s.summary('b'), null);
    const onlyA = s.swap();
    assert.equal(onlyA.a, null);
    assert.deepEqual(onlyA.b.files, ['heap2.pb.gz']);

    const ex = join(ROOT, 'examples');
    const a = new Uint8Array(readFileSync(join(ex, 'gateway-a.pb.gz')));
    const b = new Uint8Array(readFileSync(join(ex, 'gateway-b.pb.gz')));
    const pair = new wasm.Session().loadPair(['gateway-b.pb.gz', 'gateway-a.pb.gz'], [b, a]);
    assert.deepEqual(pair.a.files, ['gateway-a.pb.gz']);
    assert.deepEqual(pair.b.files, ['gateway-b.pb.gz']);
  });

  it('peek, the exports, the diff profile and the report equal the CLI\'s', () => {
    const s = loaded();
    const peek = s.peek('main.main', { sampleIndex: 'alloc_space' });
    const cli = cliJson(['peek', '--name', 'main.main', '--sample-index=alloc_space', 'heap.pb.gz', 'heap2.pb.gz']);
    assert.equal(peek.kind, 'peek');
    assert.deepEqual(peek.callers, cli.callers);
    assert.deepEqual(peek.callees, cli.callees);
    assert.equal(peek.text, cli.text);
    for (const format of ['text', 'markdown', 'csv', 'json']) {
      assert.equal(s.exportTop('b', { focus: 'main' }, format), cliOutput(['top', '--focus=main', `--format=${format}`, 'heap2.pb.gz']), `top ${format}`);
      assert.equal(s.exportCompare({ cum: true }, format), cliOutput(['diff', '--cum', `--format=${format}`, 'heap.pb.gz', 'heap2.pb.gz']), `diff ${format}`);
      assert.equal(s.exportPaths({ topN: 3 }, format), cliOutput(['paths', '--top=3', `--format=${format}`, 'heap.pb.gz', 'heap2.pb.gz']), `paths ${format}`);
    }
    const dir = tempDir();
    const file = writeTemp(dir, 'diff.pb.gz', s.diffProfile({}));
    assert.deepEqual(cliJson(['top', file]).rows, cliJson(['top', '--diff-base=heap.pb.gz', 'heap2.pb.gz']).rows);
    const html = s.reportHtml({});
    assert.ok(!/<script/i.test(html));
    for (const r of cliJson(['diff', 'heap.pb.gz', 'heap2.pb.gz']).rows) assert.ok(html.includes(r.deltaFlatText));
  });

  it('a series: loadSeries, trend and exportTrend equal profdiff trend, compareFirstLast, mixed kinds refused', () => {
    const dir = join(ROOT, 'tests', 'fixtures', 'series', 'profiles');
    const names = readdirSync(dir).filter((n) => n.startsWith('goroutine-')).sort();
    const buffers = names.map((n) => new Uint8Array(readFileSync(join(dir, n))));
    const s = new wasm.Session();
    const summary = s.loadSeries(names, buffers);
    assert.equal(summary.count, names.length);
    const opts = { hide: 'runtime' };
    const trend = s.trend(opts);
    const cli = cliJson(['trend', '--hide=runtime', ...names], dir);
    assert.equal(trend.kind, 'trend');
    assert.deepEqual(trend.rows, cli.rows);
    assert.deepEqual(trend.snapshots.map((x) => x.file), cli.snapshots.map((x) => x.file));
    assert.equal(trend.rows[0].name, 'main.leakedReader');
    assert.equal(trend.rows[0].verdict, 'GROWING');
    for (const format of ['text', 'markdown', 'csv', 'json']) {
      assert.equal(s.exportTrend({ ...opts, cum: true }, format),
        cliOutput(['trend', '--hide=runtime', '--cum', `--format=${format}`, ...names], dir), `trend ${format}`);
    }
    const pair = s.compareFirstLast({});
    assert.deepEqual(pair.a.files, [names[0]]);
    assert.deepEqual(pair.b.files, [names[names.length - 1]]);
    assert.equal(s.compare({ hide: 'runtime' }).rows.find((r) => r.name === 'main.leakedReader').deltaFlat, trend.rows[0].delta);

    const heap = new Uint8Array(readFileSync(join(dir, 'heap-01.pb.gz')));
    assert.throws(() => s.loadSeries(['goroutine-01.pb.gz', 'heap-01.pb.gz'], [buffers[0], heap]), (e) => {
      assert.equal(e.name, 'TrendError');
      assert.match(e.message, /goroutine-01\.pb\.gz.*heap-01\.pb\.gz|heap-01\.pb\.gz.*goroutine-01\.pb\.gz/);
      return true;
    });
  });
});

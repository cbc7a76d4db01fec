#!/usr/bin/env node
// Writes dist/profdiff.html: the page of www/ as one self-contained file that works opened from
// file:// with no server and no network.
//
// - style.css is inlined as <style>;
// - the ES modules (main.js and what it imports) become one inline module script: each module
//   is wrapped in a function scope that returns its exports, and its `import {…} from './x.js'`
//   lines become destructurings of the modules bundled before it (a view reaches the bundle
//   through its import in views/index.js; a module under www/ that main.js does not reach is an
//   error, so a view left out of the registry is noticed here);
// - the worker's sources (pkg/profdiff_wasm_b64.js, pkg/profdiff.js, pkg/example_b64.js,
//   worker.js) go into <script type="text/x-profdiff-worker"> data blocks, which client.js turns
//   into a Blob worker; data blocks are never executed by the page;
// - the CSP keeps every directive of www/index.html; script-src gains the sha256 of the inline
//   module script instead of 'unsafe-inline'.
//
// Usage: node scripts/build-dist.mjs [--out dist/profdiff.html]
// No dependencies beyond node itself.

import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const www = join(root, 'www');
const outArg = process.argv.indexOf('--out');
const out = outArg >= 0 ? resolve(process.argv[outArg + 1]) : join(root, 'dist', 'profdiff.html');

function fail(message) {
  console.error(`build-dist: ${message}`);
  process.exit(1);
}

function read(rel) {
  const path = join(www, rel);
  if (!existsSync(path)) {
    fail(`${relative(root, path)} is missing${rel.startsWith('pkg/') ? ' (run scripts/build-wasm.sh first)' : ''}`);
  }
  return readFileSync(path, 'utf8');
}

// Text placed inside a <script> element must not close it or open an HTML comment. `<\/script`
// means the same as `</script` in a JS string, template, regexp or comment.
function scriptSafe(text, what) {
  if (/<!--/.test(text)) fail(`${what} contains "<!--", which cannot be inlined in a <script>`);
  return text.replace(/<\/(script)/gi, '<\\/$1');
}

// ---- ES modules → one module script ------------------------------------------------------------

const IMPORT_RE = /^import\s*\{([^}]*)\}\s*from\s*['"](\.{1,2}\/[^'"]+)['"];?\s*$/;
const EXPORT_DECL_RE = /^export\s+((?:async\s+)?function\*?|const|let|var|class)\s+([A-Za-z_$][\w$]*)/;

function moduleId(rel) {
  return '__mod_' + rel.replace(/\.js$/, '').replace(/[^A-Za-z0-9_$]/g, '_');
}

/** Loads the module graph from `entry` (paths relative to www/), dependencies first. */
function collectModules(entry) {
  const order = [];
  const state = new Map(); // rel → 'visiting' | 'done'
  const modules = new Map();

  function visit(rel, from) {
    if (state.get(rel) === 'done') return;
    if (state.get(rel) === 'visiting') fail(`import cycle through ${rel} (from ${from})`);
    state.set(rel, 'visiting');
    const source = read(rel);
    const imports = [];
    const exports = [];
    const lines = source.split('\n').map((line, i) => {
      const imp = line.match(IMPORT_RE);
      if (imp) {
        const target = join(dirname(rel), imp[2]).replace(/\\/g, '/');
        const bindings = imp[1].split(',').map((s) => s.trim()).filter(Boolean).map((b) => {
          const m = b.match(/^([A-Za-z_$][\w$]*)(?:\s+as\s+([A-Za-z_$][\w$]*))?$/);
          if (!m) fail(`${rel}:${i + 1}: cannot bundle import binding "${b}"`);
          return m[2] ? `${m[1]}: ${m[2]}` : m[1];
        });
        imports.push({ target, bindings });
        return `const { ${bindings.join(', ')} } = ${moduleId(target)};`;
      }
      const exp = line.match(EXPORT_DECL_RE);
      if (exp) {
        exports.push(exp[2]);
        return line.replace(/^export\s+/, '');
      }
      if (/^\s*(import|export)\b/.test(line) && !/^\s*import\s*\(/.test(line)) {
        fail(`${rel}:${i + 1}: unsupported module syntax for bundling: ${line.trim()}`);
      }
      return line;
    });
    for (const imp of imports) visit(imp.target, rel);
    modules.set(rel, { rel, body: lines.join('\n'), exports });
    state.set(rel, 'done');
    order.push(rel);
  }

  visit(entry, '(entry)');
  return order.map((rel) => modules.get(rel));
}

/** The page's modules under www/: every .js but the worker's (worker.js, pkg/). */
function pageModules(dir = '') {
  const found = [];
  for (const entry of readdirSync(join(www, dir), { withFileTypes: true })) {
    const rel = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (rel !== 'pkg' && rel !== 'node_modules') found.push(...pageModules(rel));
    } else if (rel.endsWith('.js') && rel !== 'worker.js') {
      found.push(rel);
    }
  }
  return found;
}

function bundle(entry) {
  const parts = ['// profdiff page, bundled by scripts/build-dist.mjs from www/ (see www/ for the sources)'];
  const modules = collectModules(entry);
  const reached = new Set(modules.map((m) => m.rel));
  const unreached = pageModules().filter((rel) => !reached.has(rel));
  if (unreached.length) fail(`not imported from ${entry} (a view missing from views/index.js?): ${unreached.join(', ')}`);
  for (const m of modules) {
    parts.push(
      `// ---- ${m.rel}`,
      `const ${moduleId(m.rel)} = (() => {`,
      m.body.trimEnd(),
      `return { ${m.exports.join(', ')} };`,
      '})();',
    );
  }
  return parts.join('\n') + '\n';
}

// ---- the page -------------------------------------------------------------------------------

function sha256(text) {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

function replaceOnce(html, pattern, replacement, what) {
  const matches = html.match(new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : pattern.flags + 'g'));
  if (!matches || matches.length !== 1) fail(`index.html: expected exactly one ${what}, found ${matches ? matches.length : 0}`);
  return html.replace(pattern, () => replacement);
}

let html = read('index.html');
const css = read('style.css');
const moduleText = '\n' + scriptSafe(bundle('main.js'), 'the bundled modules');

const workerParts = [
  ['wasm', 'pkg/profdiff_wasm_b64.js'],
  ['glue', 'pkg/profdiff.js'],
  ['example', 'pkg/example_b64.js'],
  ['worker', 'worker.js'],
];
const workerBlocks = workerParts
  .map(([part, rel]) => `<script type="text/x-profdiff-worker" data-part="${part}">\n${scriptSafe(read(rel), rel)}\n</script>`)
  .join('\n');

if (!/typeof wasm_bindgen === 'undefined'/.test(read('worker.js'))) {
  fail('worker.js no longer checks for a preloaded wasm_bindgen; dist mode depends on it');
}

// CSP: the same policy, with the inline module's hash in script-src.
const cspRe = /(<meta http-equiv="Content-Security-Policy" content=")([^"]*)(">)/;
const csp = html.match(cspRe);
if (!csp) fail('index.html has no Content-Security-Policy meta tag');
const directives = csp[2].split(';').map((d) => d.trim()).filter(Boolean).map((d) =>
  d.startsWith('script-src ') ? `${d} ${sha256(moduleText)}` : d);
html = html.replace(cspRe, (_, pre, __, post) => `${pre}${directives.join('; ')}${post}`);

html = replaceOnce(html, /<link rel="stylesheet" href="style\.css">/, `<style>\n${css.replace(/<\/(style)/gi, '<\\/$1')}</style>`, 'stylesheet link');
// The CLI (`profdiff web`, `profdiff html`) puts its embedded profiles right after this tag.
html = replaceOnce(html, /<script type="module" src="main\.js"><\/script>/, '<meta name="profdiff-build" content="dist">', 'module script');
// The module goes at the end of <body> so the worker blocks exist when it runs (modules are
// deferred anyway; this keeps the order obvious).
html = replaceOnce(html, /<\/body>/, `${workerBlocks}\n<script type="module">${moduleText}</script>\n</body>`, '</body>');

if (/\b(src|href)="(?!data:)[^"#]/.test(html.replace(/<script type="text\/x-profdiff-worker"[\s\S]*?<\/script>/g, ''))) {
  const m = html.match(/\b(src|href)="(?!data:)[^"#][^"]*"/);
  fail(`a reference to another file is left in the page: ${m && m[0]}`);
}

// An unchanged page keeps its file (and mtime): the CLI includes it, and a rewrite would rebuild it.
const shown = relative(process.cwd(), out) || out;
if (existsSync(out) && readFileSync(out, 'utf8') === html) {
  console.log(`build-dist: ${shown} is up to date`);
} else {
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, html);
  console.log(`build-dist: wrote ${shown} (${(Buffer.byteLength(html) / 1024).toFixed(0)} KiB)`);
}

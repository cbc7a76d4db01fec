// Serves www/ on 127.0.0.1 for `make run`: a static file server with no dependencies.
// Usage: node scripts/serve.mjs [port]   (default 8080; PORT in the environment also works)
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'www');
const port = Number(process.argv[2] || process.env.PORT || 8080);
const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

// The page's own policy, also sent as a header: the worker script gets its policy from its
// response headers, not from the page's meta tag.
const csp = fs
  .readFileSync(path.join(root, 'index.html'), 'utf8')
  .match(/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/)[1];

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  let file = path.normalize(path.join(root, decodeURIComponent(url.pathname)));
  if (!file.startsWith(root)) {
    res.writeHead(403).end('forbidden');
    return;
  }
  if (file.endsWith(path.sep)) file = path.join(file, 'index.html');
  fs.readFile(file, (err, data) => {
    if (err) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': types[path.extname(file)] || 'application/octet-stream',
      'cache-control': 'no-store',
      'content-security-policy': csp,
    });
    res.end(data);
  });
});

server.listen(port, '127.0.0.1', () => {
  console.log(`profdiff: serving www/ at http://127.0.0.1:${port}/#example (Ctrl-C to stop)`);
});

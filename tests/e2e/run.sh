#!/usr/bin/env bash
# Runs the browser and bindings tests: installs the node dependency (playwright-core, pinned in
# package-lock.json) when node_modules is missing, rebuilds dist/profdiff.html when it is older
# than its sources, then `node --test`. Needs www/pkg and target/wasm-node (scripts/build-wasm.sh),
# target/release/profdiff (cargo build --release) and Debian's chromium (/usr/bin/chromium).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

if [ ! -d "$here/node_modules/playwright-core" ]; then
  (cd "$here" && npm ci --no-audit --no-fund)
fi

for need in www/pkg/profdiff.js www/pkg/profdiff_wasm_b64.js www/pkg/example_b64.js target/wasm-node/profdiff.js; do
  if [ ! -f "$need" ]; then
    echo "run.sh: $need is missing; run scripts/build-wasm.sh first" >&2
    exit 1
  fi
done
if [ ! -x target/release/profdiff ]; then
  echo "run.sh: target/release/profdiff is missing; run cargo build --release first" >&2
  exit 1
fi
if [ ! -x "${PROFDIFF_CHROMIUM:-/usr/bin/chromium}" ]; then
  echo "run.sh: ${PROFDIFF_CHROMIUM:-/usr/bin/chromium} is missing (apt-get install -y chromium)" >&2
  exit 1
fi

dist=dist/profdiff.html
if [ ! -f "$dist" ] || [ -n "$(find www scripts/build-dist.mjs -newer "$dist" -type f -print -quit)" ]; then
  node scripts/build-dist.mjs
fi

exec node --test "$here"/*.test.mjs

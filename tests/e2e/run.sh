#!/usr/bin/env bash
# Runs the browser and bindings tests: installs the node dependencies (playwright-core,
# puppeteer-core, selenium-webdriver, pinned in package-lock.json) when one is missing, rebuilds
# dist/profdiff.html when it is older than its sources, then `node --test`. Needs www/pkg and
# target/wasm-node (scripts/build-wasm.sh), target/release/profdiff (cargo build --release) and
# Debian's chromium, firefox-esr, webkit2gtk-driver and xvfb (scripts/setup.sh browser).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

# Nothing may download a browser or a driver: the tests drive the Debian packages only.
export PUPPETEER_SKIP_DOWNLOAD=1 SE_OFFLINE=true
for pkg in playwright-core puppeteer-core selenium-webdriver; do
  if [ ! -d "$here/node_modules/$pkg" ]; then
    (cd "$here" && npm ci --no-audit --no-fund)
    break
  fi
done

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
for browser in "${PROFDIFF_CHROMIUM:-/usr/bin/chromium}" "${PROFDIFF_FIREFOX:-/usr/bin/firefox-esr}" \
  "${PROFDIFF_WEBKIT_DRIVER:-/usr/bin/WebKitWebDriver}" "${PROFDIFF_XVFB:-/usr/bin/Xvfb}"; do
  if [ ! -x "$browser" ]; then
    echo "run.sh: $browser is missing (scripts/setup.sh browser installs it)" >&2
    exit 1
  fi
done

dist=dist/profdiff.html
if [ ! -f "$dist" ] || [ -n "$(find www scripts/build-dist.mjs -newer "$dist" -type f -print -quit)" ]; then
  node scripts/build-dist.mjs
fi

exec node --test "$here"/*.test.mjs

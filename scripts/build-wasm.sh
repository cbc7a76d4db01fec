#!/usr/bin/env bash
# Builds the WebAssembly face (src/wasm.rs) for the page and for Node tests:
#   www/pkg/profdiff.js, profdiff_bg.wasm   wasm-bindgen --target no-modules (the page's worker)
#   www/pkg/profdiff_wasm_b64.js            the wasm bytes as base64 (the page's CSP forbids fetch)
#   www/pkg/example_b64.js                  the bundled example pair as base64
#   target/wasm-node/profdiff.js            wasm-bindgen --target nodejs (binding tests)
# Needs: rustup target wasm32-unknown-unknown and wasm-bindgen-cli (scripts/setup.sh wasm).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --lib --profile wasm --target wasm32-unknown-unknown --no-default-features
wasm="${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/wasm/profdiff.wasm"

rm -rf www/pkg target/wasm-node
wasm-bindgen --target no-modules --no-typescript --out-dir www/pkg --out-name profdiff "$wasm"
wasm-bindgen --target nodejs --no-typescript --out-dir target/wasm-node --out-name profdiff "$wasm"

b64() { base64 -w0 "$1"; }
{
  printf 'self.PROFDIFF_WASM_BASE64 = "'
  b64 www/pkg/profdiff_bg.wasm
  printf '";\n'
} > www/pkg/profdiff_wasm_b64.js
{
  printf 'self.PROFDIFF_EXAMPLE = {\n'
  printf '  a: { name: "gateway-a.pb.gz", base64: "%s" },\n' "$(b64 examples/gateway-a.pb.gz)"
  printf '  b: { name: "gateway-b.pb.gz", base64: "%s" },\n' "$(b64 examples/gateway-b.pb.gz)"
  printf '};\n'
} > www/pkg/example_b64.js
echo "build-wasm: www/pkg ($(du -h www/pkg/profdiff_bg.wasm | cut -f1) wasm) and target/wasm-node"

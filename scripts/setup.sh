#!/usr/bin/env bash
# Installs what the build and the tests need on a fresh Debian machine (run as root, network
# only to the package registries). Idempotent: each step is skipped when already satisfied.
#   scripts/setup.sh rust      cargo (comes with the machine)
#   scripts/setup.sh wasm      the wasm32 target and the wasm-bindgen CLI matching Cargo.lock
#   scripts/setup.sh browser   Debian's chromium and the e2e tests' npm packages (playwright-core)
#   scripts/setup.sh fuzz      cargo-fuzz (libFuzzer; built with g++)
set -euo pipefail
cd "$(dirname "$0")/.."

need_rust() {
  if ! command -v cargo >/dev/null 2>&1; then
    echo "setup: cargo is missing; install Rust with rustup first" >&2
    exit 1
  fi
}

# The wasm-bindgen version the crate is locked to.
locked_wasm_bindgen() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock
}

need_wasm() {
  need_rust
  if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    rustup target add wasm32-unknown-unknown
  fi
  local want have=""
  want="$(locked_wasm_bindgen)"
  if command -v wasm-bindgen >/dev/null 2>&1; then
    have="$(wasm-bindgen --version | awk '{print $2}')"
  fi
  if [[ "$have" != "$want" ]]; then
    echo "setup: installing wasm-bindgen-cli $want (found '${have:-none}'); this takes a few minutes" >&2
    # No --locked: the registry lacks one of the CLI's pinned dependencies.
    cargo install wasm-bindgen-cli --version "$want"
  fi
}

apt_install() {
  if [[ -z "${APT_UPDATED:-}" ]]; then
    apt-get update -qq
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

need_browser() {
  if [[ ! -x /usr/bin/chromium ]]; then
    echo "setup: installing Debian's chromium" >&2
    apt_install chromium
  fi
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "setup: installing node and npm" >&2
    apt_install nodejs npm
  fi
  if [[ ! -d tests/e2e/node_modules/playwright-core ]]; then
    # playwright-core drives the system chromium; it never downloads a browser.
    (cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

need_fuzz() {
  need_rust
  if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "setup: installing cargo-fuzz" >&2
    cargo install cargo-fuzz
  fi
  command -v g++ >/dev/null 2>&1 || apt_install g++
}

for step in "${@:-rust}"; do
  case "$step" in
    rust) need_rust ;;
    wasm) need_wasm ;;
    browser) need_browser ;;
    fuzz) need_fuzz ;;
    *) echo "setup: unknown step $step" >&2; exit 2 ;;
  esac
done

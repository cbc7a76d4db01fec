#!/usr/bin/env bash
# Installs what the build and the tests need on a fresh Debian machine (run as root, network
# only to the package registries). Idempotent: each step is skipped when already satisfied.
#   scripts/setup.sh rust      cargo (comes with the machine)
#   scripts/setup.sh wasm      the wasm32 target and the wasm-bindgen CLI matching Cargo.lock
#   scripts/setup.sh browser   the browsers of the e2e tests, all Debian packages (chromium,
#                              firefox-esr, WebKitGTK's webkit2gtk-driver, xvfb), and their npm
#                              packages (playwright-core, puppeteer-core, selenium-webdriver)
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

# Other jobs may run apt at the same time: wait for its lock instead of failing.
APT=(apt-get -o DPkg::Lock::Timeout=600)

apt_install() {
  if [[ -z "${APT_UPDATED:-}" ]]; then
    "${APT[@]}" update -qq
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive "${APT[@]}" install -y -qq "$@" >/dev/null
}

# The e2e tests' npm packages, as package.json lists them.
E2E_NPM=(playwright-core puppeteer-core selenium-webdriver)

need_browser() {
  local missing=()
  [[ -x /usr/bin/chromium ]] || missing+=(chromium)
  [[ -x /usr/bin/firefox-esr ]] || missing+=(firefox-esr)
  # WebKitWebDriver, with WebKitGTK's MiniBrowser (libwebkit2gtk-4.1-0) that it drives
  [[ -x /usr/bin/WebKitWebDriver ]] || missing+=(webkit2gtk-driver)
  [[ -x /usr/bin/Xvfb ]] || missing+=(xvfb)
  if ((${#missing[@]})); then
    echo "setup: installing Debian's ${missing[*]}" >&2
    apt_install "${missing[@]}"
  fi
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "setup: installing node and npm" >&2
    apt_install nodejs npm
  fi
  local pkg
  for pkg in "${E2E_NPM[@]}"; do
    if [[ ! -d tests/e2e/node_modules/$pkg ]]; then
      # These drive the Debian browsers above; none of them may download a browser or a driver.
      (cd tests/e2e && PUPPETEER_SKIP_DOWNLOAD=1 SE_OFFLINE=true npm ci --no-audit --no-fund --loglevel=error)
      break
    fi
  done
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

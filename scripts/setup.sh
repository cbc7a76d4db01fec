#!/usr/bin/env bash
# Installs what the build and the tests need on a fresh Debian machine (run as root, network
# only to the package registries). Idempotent: each step is skipped when already satisfied.
#   scripts/setup.sh rust     Rust toolchain check (cargo comes with the machine)
set -euo pipefail
cd "$(dirname "$0")/.."

need_rust() {
  if ! command -v cargo >/dev/null 2>&1; then
    echo "setup: cargo is missing; install Rust with rustup first" >&2
    exit 1
  fi
}

for step in "${@:-rust}"; do
  case "$step" in
    rust) need_rust ;;
    *) echo "setup: unknown step $step" >&2; exit 2 ;;
  esac
done

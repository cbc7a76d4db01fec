# profdiff: `make run` and `make test` are the two commands a new machine needs.
# Every install step lives in scripts/setup.sh, so a clean checkout works as root on a fresh
# Debian machine with network only to the package registries.

CARGO ?= cargo
PORT ?= 8080
PROFDIFF := target/release/profdiff
# The CLI carries the single-file page (`profdiff web`, `profdiff html`): build.rs includes the
# file PROFDIFF_PAGE names. Every native cargo run of the Makefile passes it, so they share one
# build; plain `cargo build` without it gives a CLI that says how to get the page.
PAGE := dist/profdiff.html
WITH_PAGE := PROFDIFF_PAGE=$(PAGE)

FUZZ_SECONDS ?= 300

.PHONY: run test lint unit wasm dist e2e fuzz fuzz-smoke goldens example bench build setup setup-rust setup-wasm setup-browser setup-fuzz

## run: build the WASM page and serve it on http://127.0.0.1:$(PORT) with the example loaded
run: setup-wasm wasm
	node scripts/serve.mjs $(PORT)

## test: every test: lints, Rust unit and golden tests, the WASM build, browser tests, fuzz smoke
test: setup wasm dist lint unit e2e fuzz-smoke

setup: setup-rust setup-wasm setup-browser setup-fuzz

setup-rust:
	@scripts/setup.sh rust

setup-wasm:
	@scripts/setup.sh wasm

setup-browser:
	@scripts/setup.sh browser

setup-fuzz:
	@scripts/setup.sh fuzz

build: setup-rust setup-wasm dist
	$(WITH_PAGE) $(CARGO) build --release --bin profdiff

lint: dist
	$(CARGO) fmt --all --check
	$(WITH_PAGE) $(CARGO) clippy --workspace --all-targets --release -- -D warnings
	$(CARGO) clippy --lib --release --target wasm32-unknown-unknown --no-default-features -- -D warnings

# --nocapture lets the conformance tests print how many goldens they compared.
unit: dist
	$(WITH_PAGE) $(CARGO) test --release -- --nocapture

## wasm: the page's WebAssembly package in www/pkg and the Node one in target/wasm-node
wasm:
	scripts/build-wasm.sh

## dist: dist/profdiff.html, one self-contained file that works from file://
dist: wasm
	node scripts/build-dist.mjs

e2e: build wasm dist
	tests/e2e/run.sh

## fuzz: every cargo-fuzz target for FUZZ_SECONDS each (default 300)
fuzz: setup-fuzz
	scripts/fuzz.sh $(FUZZ_SECONDS)

# 8 targets x 12 s: about a minute and a half of fuzzing in every test run.
fuzz-smoke:
	scripts/fuzz.sh 12

## goldens: regenerate tests/fixtures profiles and their go tool pprof goldens (needs golang-go)
goldens:
	tests/fixtures/regen.sh
	tests/fixtures/series/regen.sh

## example: regenerate the bundled example pair (needs golang-go)
example:
	examples/regen.sh

## bench: time profdiff against go tool pprof on large profiles, and the page in Chromium
bench: build wasm
	bench/run.sh

# profdiff: `make run` and `make test` are the two commands a new machine needs.
# Every install step lives in scripts/setup.sh, so a clean checkout works as root on a fresh
# Debian machine with network only to the package registries.

CARGO ?= cargo
PROFDIFF := target/release/profdiff
EXAMPLE_A := examples/gateway-a.pb.gz
EXAMPLE_B := examples/gateway-b.pb.gz

.PHONY: run test lint unit goldens example bench build setup-rust

## run: build the CLI and show the bundled example (the page replaces this once it lands)
run: build
	@echo "== profdiff top $(EXAMPLE_B) (instance B, top 12)"
	@$(PROFDIFF) top --nodecount=12 $(EXAMPLE_B)
	@echo
	@echo "== profdiff diff $(EXAMPLE_A) $(EXAMPLE_B) (what grew from A to B, top 12)"
	@$(PROFDIFF) diff --nodecount=12 $(EXAMPLE_A) $(EXAMPLE_B)
	@echo
	@echo "== profdiff paths $(EXAMPLE_A) $(EXAMPLE_B) (the call paths that carry it)"
	@$(PROFDIFF) paths --top=3 $(EXAMPLE_A) $(EXAMPLE_B)

## test: every test: formatting and lints, Rust unit tests, pprof golden conformance, CLI
test: setup-rust lint unit

setup-rust:
	@scripts/setup.sh rust

build: setup-rust
	$(CARGO) build --release --bin profdiff

lint:
	$(CARGO) fmt --check
	$(CARGO) clippy --all-targets --release -- -D warnings

# --nocapture lets the conformance tests print how many goldens they compared.
unit:
	$(CARGO) test --release -- --nocapture

## goldens: regenerate tests/fixtures profiles and their go tool pprof goldens (needs golang-go)
goldens:
	tests/fixtures/regen.sh

## example: regenerate the bundled example pair (needs golang-go)
example:
	examples/regen.sh

## bench: time profdiff against go tool pprof on large profiles
bench:
	bench/run.sh

#!/usr/bin/env bash
# Runs every cargo-fuzz target for a set time each and prints the executions reached.
#   scripts/fuzz.sh SECONDS    (make fuzz: 300 per target; make test: a short smoke)
# cargo-fuzz needs nightly compiler flags; RUSTC_BOOTSTRAP=1 enables them on the machine's
# stable toolchain (no other toolchain can be fetched here).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
export RUSTC_BOOTSTRAP=1
targets=(decode decode_top decode_diff structured go_text goroutine_dump)

# Seed corpora from the project's own profiles. decode_top reads an option byte first and
# decode_diff a split byte, so their seeds get one prepended.
seed() {
  local dir="fuzz/corpus/$1" prefix="$2"
  mkdir -p "$dir"
  local f
  for f in tests/fixtures/profiles/* tests/fixtures/edge/* tests/fixtures/hostile/*; do
    [[ -f "$f" ]] || continue
    local name
    name="$(basename "$f")"
    if [[ -z "$prefix" ]]; then
      cp -f "$f" "$dir/seed-$name"
    else
      { printf "$prefix"; cat "$f"; } >"$dir/seed-$name"
    fi
  done
}
seed decode ""
seed decode_top '\x00'
seed decode_diff '\x80'
mkdir -p fuzz/corpus/structured

# Go's texts: go_text reads a header-selector byte and puts its own header in front, so its
# seeds are the fixtures' bodies; goroutine_dump puts `goroutine 1 [running]:` in front.
mkdir -p fuzz/corpus/go_text fuzz/corpus/goroutine_dump
i=0
for p in heap goroutine mutex block; do
  for f in tests/fixtures/gotext/*/"$p.txt"; do
    [[ -f "$f" ]] || continue
    { printf "\\x0$i"; tail -n +2 "$f"; } >"fuzz/corpus/go_text/seed-$p-$(basename "$(dirname "$f")")"
  done
  i=$((i + 1))
done
for f in tests/fixtures/gotext/*/goroutine-dump.txt tests/fixtures/gotext/crash/*.txt; do
  [[ -f "$f" ]] || continue
  cp -f "$f" "fuzz/corpus/goroutine_dump/seed-$(basename "$(dirname "$f")")-$(basename "$f")"
done

(cd fuzz && cargo fuzz build -O >/dev/null 2>&1) || (cd fuzz && cargo fuzz build -O)
total=0
for t in "${targets[@]}"; do
  log="$(mktemp)"
  (cd fuzz && cargo fuzz run -O "$t" "corpus/$t" -- \
      -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1) >"$log" 2>&1 || {
    echo "fuzz: $t found a failure:" >&2
    tail -40 "$log" >&2
    exit 1
  }
  runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)"
  echo "fuzz: $t: ${runs:-?} executions in ${seconds}s, no crash, hang or out-of-memory"
  total=$((total + ${runs:-0}))
  rm -f "$log"
done
echo "fuzz: $total executions over ${#targets[@]} targets"
